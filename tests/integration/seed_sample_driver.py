"""Runs inside a network namespace made by test_seed_sample.py, where /etc/hosts maps the seed
article's names (api1.example.com, api2.example.com, backup.example.com) to 127.0.0.11-13.
Starts three tiny backends on port 80 of those addresses, Yoke with examples/seed-sample.conf
exactly as written, and checks what the article promises: traffic 3:2 to api1/api2, and the
backup only while both are unavailable. Prints one JSON line with what it saw; exit 0 = pass.

Usage: seed_sample_driver.py YOKE_BINARY CONFIG_FILE
"""

import http.client
import json
import socket
import struct
import subprocess
import sys
import threading
import time

BACKENDS = {"api1": "127.0.0.11", "api2": "127.0.0.12", "backup": "127.0.0.13"}


class Backend:
    """HTTP/1.1 keep-alive server answering every GET with its name."""

    def __init__(self, name, address):
        self.name = name
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Yoke listens on 0.0.0.0:80 with SO_REUSEPORT; a more specific address with the same
        # option may share the port, and the kernel prefers the specific one.
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        self.listener.bind((address, 80))
        self.listener.listen(64)
        self.connections = []
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            if self.stopped:
                # A dead server's address must stay taken: if it were free, connections to it
                # would reach Yoke's own 0.0.0.0:80 listener and loop. Reset them instead.
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
                connection.close()
                continue
            self.connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection):
        body = self.name.encode()
        pending = b""
        connection.settimeout(30)
        try:
            while True:
                while b"\r\n\r\n" not in pending:
                    data = connection.recv(65536)
                    if not data:
                        return
                    pending += data
                _, pending = pending.split(b"\r\n\r\n", 1)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" %
                                   (len(body), body))
        except OSError:
            return
        finally:
            connection.close()

    def stop(self):
        """The server dies: open connections are cut, new ones are reset."""
        self.stopped = True
        for connection in self.connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.stop()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self.listener.close()


def wait_for_port(port, deadline):
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def tally(count):
    """count requests on one keep-alive connection (one worker, so one WRR sequence)."""
    seen = {}
    connection = http.client.HTTPConnection("127.0.0.1", 80, timeout=10)
    for _ in range(count):
        connection.request("GET", "/api/items", headers={"Host": "api.example.com"})
        response = connection.getresponse()
        name = response.read().decode() if response.status == 200 else "status-%d" % response.status
        seen[name] = seen.get(name, 0) + 1
    connection.close()
    return seen


def main():
    yoke_binary, config = sys.argv[1], sys.argv[2]
    backends = {name: Backend(name, address) for name, address in BACKENDS.items()}
    yoke = subprocess.Popen([yoke_binary, "-c", config], stderr=sys.stderr)
    result = {}
    try:
        if not wait_for_port(80, time.time() + 10):
            result["error"] = "yoke did not listen on port 80"
            return 1
        result["all_up"] = tally(50)
        backends["api1"].stop()
        result["api1_down"] = tally(20)
        backends["api2"].stop()
        result["both_down"] = tally(20)
        ok = (result["all_up"] == {"api1": 30, "api2": 20} and
              result["api1_down"] == {"api2": 20} and
              result["both_down"] == {"backup": 20})
        return 0 if ok else 1
    finally:
        yoke.terminate()
        try:
            yoke.wait(timeout=15)
        except subprocess.TimeoutExpired:
            yoke.kill()
        result["yoke_exit"] = yoke.returncode
        print(json.dumps(result), flush=True)
        for backend in backends.values():
            backend.close()


if __name__ == "__main__":
    sys.exit(main())
