"""Upstreams on unix-domain sockets, including one nobody listens on (connect() fails at once,
not asynchronously as with TCP)."""

import os
import shutil
import socket
import tempfile
import threading

from harness import YokeTestCase, free_port, http_request, make_config, upstream_block


class UnixSocketBackend:
    """Answers every request on a unix socket with "unix\\n" (one request per connection)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(16)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    piece = connection.recv(65536)
                    if not piece:
                        break
                    data += piece
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                                   b"Connection: close\r\n\r\nunix\n")

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class UnixUpstreamTest(YokeTestCase):

    def make_temp_dir(self):
        path = tempfile.mkdtemp(prefix="yoke-unix-")
        self.addCleanup(shutil.rmtree, path, True)
        return path

    def start_proxy(self, servers):
        port = free_port()
        config = make_config(port, "    location / { proxy_pass http://app; }\n",
                             upstreams=upstream_block("app", servers))
        return port, self.start_yoke(config, port)

    def test_proxies_to_a_unix_socket(self):
        path = os.path.join(self.make_temp_dir(), "app.sock")
        backend = UnixSocketBackend(path)
        self.addCleanup(backend.close)
        port, _ = self.start_proxy(["unix:%s" % path])
        for _ in range(3):
            self.assertEqual(http_request(port, "/x")[::2], (200, b"unix\n"))

    def test_dead_unix_socket_is_a_failed_attempt_and_the_next_server_answers(self):
        demo = self.start_demo("tcp")
        missing = os.path.join(self.make_temp_dir(), "nobody.sock")
        port, yoke = self.start_proxy(["unix:%s" % missing, demo.address("tcp")])
        for _ in range(4):
            self.assertEqual(http_request(port, "/")[::2], (200, b"tcp\n"))
        self.assertIn("connect() failed", yoke.error_log)

    def test_only_a_dead_unix_socket_gives_502(self):
        missing = os.path.join(self.make_temp_dir(), "nobody.sock")
        port, _ = self.start_proxy(["unix:%s" % missing])
        self.assertEqual(http_request(port, "/")[0], 502)
        self.assertEqual(http_request(port, "/")[0], 502)  # the connection survives, no crash
