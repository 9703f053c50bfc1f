"""A small Chrome DevTools Protocol client for the dashboard's browser test: starts Debian's
headless Chromium with a fresh profile and a kernel-picked debugging port, attaches to its page
over a WebSocket (RFC 6455, client frames masked) and exchanges JSON commands and events
(chromedevtools.github.io/devtools-protocol). Every wait is bounded."""

import base64
import json
import os
import select
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

from harness import T, encode_ws_frame, websocket_accept

CHROMIUM = "/usr/bin/chromium"


class CdpError(AssertionError):
    pass


class Chromium:
    """One headless Chromium process and a session on its first page."""

    def __init__(self, width=1400, height=1000):
        if not os.access(CHROMIUM, os.X_OK):
            raise CdpError("chromium missing: run scripts/install-deps")
        self.profile = tempfile.mkdtemp(prefix="yoke-chromium-")
        self.log = open(os.path.join(self.profile, "chromium.log"), "wb")
        # The flags TESTING-NOTES.md lists for this machine, plus a fixed window size so the
        # screenshot shows the whole dashboard.
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + self.profile,
             "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
             "--window-size=%d,%d" % (width, height), "about:blank"],
            stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        self.sock = None
        self.buffer = b""
        self.next_id = 0
        self.events = []
        try:
            self.port = self._debugging_port(T(30))
            self._attach(T(10))
        except BaseException:
            self.close()
            raise

    def _debugging_port(self, timeout):
        """Chromium writes the port it took to DevToolsActivePort in the profile."""
        path = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CdpError("chromium exited with %s: %s" % (self.process.returncode,
                                                                self.chromium_log()))
            try:
                with open(path) as f:
                    first = f.readline().strip()
                if first:
                    return int(first)
            except OSError:
                pass
            time.sleep(0.05)
        raise CdpError("chromium gave no debugging port in %ss: %s" % (timeout,
                                                                       self.chromium_log()))

    def _attach(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % self.port,
                                        timeout=T(5)) as response:
                pages = [t for t in json.load(response) if t.get("type") == "page"]
            if pages or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if not pages:
            raise CdpError("chromium has no page target")
        path = "/" + pages[0]["webSocketDebuggerUrl"].split("/", 3)[3]
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=T(10))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n" % (path, self.port, key)).encode())
        while b"\r\n\r\n" not in self.buffer:
            self._fill(deadline)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise CdpError("WebSocket upgrade refused: %s" % lines[0])
        fields = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:]}
        if fields.get("sec-websocket-accept") != websocket_accept(key):
            raise CdpError("bad Sec-WebSocket-Accept")

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([self.sock], [], [], left)[0]:
            raise CdpError("no answer from chromium in time")
        data = self.sock.recv(1 << 20)
        if not data:
            raise CdpError("chromium closed the DevTools connection: %s" % self.chromium_log())
        self.buffer += data

    def _take(self, n, deadline):
        while len(self.buffer) < n:
            self._fill(deadline)
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _message(self, deadline):
        """One text message (continuation frames joined; server frames are unmasked)."""
        payload = b""
        while True:
            first, second = self._take(2, deadline)
            n = second & 0x7F
            if n == 126:
                n = int.from_bytes(self._take(2, deadline), "big")
            elif n == 127:
                n = int.from_bytes(self._take(8, deadline), "big")
            payload += self._take(n, deadline)
            if first & 0x80:
                return json.loads(payload)

    def send(self, method, params=None, timeout=None):
        """Sends a command and returns its result; events that arrive meanwhile are kept."""
        self.next_id += 1
        ident = self.next_id
        message = json.dumps({"id": ident, "method": method, "params": params or {}})
        self.sock.sendall(encode_ws_frame(0x1, message.encode(), mask=True))
        deadline = time.monotonic() + (timeout or T(10))
        while True:
            reply = self._message(deadline)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise CdpError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (JSON-serializable values)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise CdpError("%s threw: %s" % (expression, result["exceptionDetails"]))
        return result["result"].get("value")

    def chromium_log(self):
        try:
            self.log.flush()
            with open(self.log.name, "rb") as f:
                return f.read()[-2000:].decode(errors="replace")
        except OSError:
            return ""

    def close(self):
        if self.sock is not None:
            self.sock.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(T(10))
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(T(10))
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
