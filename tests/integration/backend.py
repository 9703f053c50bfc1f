"""A programmable HTTP/1.1 test backend for Yoke's integration tests (stdlib only).

Runs as threads inside the test process (`PyBackend` in harness.py wraps it) or standalone:
    python3 backend.py --port 0 --name NAME [--reset-on-connect] [--delay-ms N]
which prints "listening NAME 127.0.0.1:PORT" once bound.

What it answers depends on the request path, so one backend serves every behaviour:
    /slow/MS        sleep MS milliseconds, then answer like /inspect
    /stream/N       N bytes of pattern_bytes() in a chunked response (16 KiB chunks)
    /close-mid      head with Content-Length: 1000, 10 body bytes, then close the connection
    /status/CODE    answer with status CODE (body "status CODE\n", none for 204/304)
    /ws             WebSocket (RFC 6455) handshake, then echo every data frame
    anything else   /inspect: JSON {"backend", "method", "target", "path", "version",
                    "headers": [[name, value], ...] as received, "body_sha256", "body_length"}
Every response carries "X-Backend: NAME". The backend counts accepted connections and parsed
requests, and records every request head (see `records`).
"""

import argparse
import base64
import hashlib
import json
import socket
import struct
import sys
import threading
import time

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
MAX_HEAD = 1024 * 1024

_PATTERN = bytes(range(256)) * 256  # 64 KiB


def pattern_bytes(n, offset=0):
    """Deterministic bytes (0, 1, ..., 255, 0, ...) so both ends can compute the same sha256."""
    out = bytearray()
    pos = offset % 256
    while len(out) < n:
        take = min(len(_PATTERN) - pos, n - len(out))
        out += _PATTERN[pos:pos + take]
        pos = 0
    return bytes(out)


def websocket_accept(key):
    digest = hashlib.sha1((key + WEBSOCKET_GUID).encode()).digest()
    return base64.b64encode(digest).decode()


class BadRequest(Exception):
    pass


class _Reader:
    """Buffered reads from a socket; raises ConnectionError on EOF where bytes were required."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.total = 0

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("peer closed")
        self.total += len(data)
        self.buf += data

    def read_head(self):
        """Returns the head (without the final CRLFCRLF), or None on a clean EOF between
        requests."""
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                head, self.buf = self.buf[:end], self.buf[end + 4:]
                return head
            if len(self.buf) > MAX_HEAD:
                raise BadRequest("head too large")
            try:
                data = self.sock.recv(65536)
            except (ConnectionError, OSError):
                data = b""
            if not data:
                if self.buf.strip(b"\r\n"):
                    raise ConnectionError("peer closed inside a head")
                return None
            self.total += len(data)
            self.buf += data

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_line(self):
        while b"\r\n" not in self.buf:
            if len(self.buf) > MAX_HEAD:
                raise BadRequest("line too long")
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_some(self, limit):
        if not self.buf:
            self._fill()
        data, self.buf = self.buf[:limit], self.buf[limit:]
        return data


class Request:
    def __init__(self, method, target, version, headers):
        self.method = method
        self.target = target
        self.path = target.split("?", 1)[0]
        self.version = version
        self.headers = headers  # [(name, value)] as received
        self.body_sha256 = hashlib.sha256(b"").hexdigest()
        self.body_length = 0
        self.body_prefix = b""  # first 64 KiB, for tests that want to look

    def header(self, name):
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return values[0] if values else None

    def header_values(self, name):
        return [v for n, v in self.headers if n.lower() == name.lower()]

    def keep_alive(self):
        tokens = [t.strip().lower() for v in self.header_values("connection") for t in v.split(",")]
        if self.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens

    def as_dict(self, backend_name):
        return {
            "backend": backend_name,
            "method": self.method,
            "target": self.target,
            "path": self.path,
            "version": self.version,
            "headers": [[n, v] for n, v in self.headers],
            "body_sha256": self.body_sha256,
            "body_length": self.body_length,
        }


def parse_head(head):
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        raise BadRequest("bad request line %r" % lines[0])
    headers = []
    for line in lines[1:]:
        if ":" not in line:
            raise BadRequest("bad header line %r" % line)
        name, value = line.split(":", 1)
        headers.append((name, value.strip(" \t")))
    return Request(parts[0], parts[1], parts[2], headers)


class TestBackend:
    """A threaded HTTP/1.1 server on 127.0.0.1. Safe to read counters from other threads."""

    def __init__(self, name="py", port=0, reset_on_connect=False, delay_ms=0):
        self.name = name
        self.reset_on_connect = reset_on_connect
        self.delay_ms = delay_ms  # added before every answer
        self.lock = threading.Lock()
        self.connections = 0
        self.requests = 0
        self.bytes_received = 0
        self.records = []  # Request objects, in arrival order
        self.open_sockets = set()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(512)
        self.port = self.listener.getsockname()[1]
        self.stopped = False
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopped = True
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.thread.join(timeout=5)

    def wait_for_requests(self, count, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.requests >= count:
                    return True
            time.sleep(0.01)
        return False

    def _accept_loop(self):
        while not self.stopped:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            if self.reset_on_connect:
                # SO_LINGER 0 makes close() send RST: the harshest "server refuses" there is.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()
                continue
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock):
        with self.lock:
            self.open_sockets.add(sock)
        reader = _Reader(sock)
        try:
            while not self.stopped:
                head = reader.read_head()
                if head is None:
                    break
                request = parse_head(head)
                with self.lock:
                    self.requests += 1
                    self.records.append(request)
                if not self._handle(sock, reader, request):
                    break
        except BadRequest:
            try:
                sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                             b"Connection: close\r\n\r\n")
            except OSError:
                pass
        except (ConnectionError, OSError):
            pass
        finally:
            with self.lock:
                self.bytes_received += reader.total
                self.open_sockets.discard(sock)
            sock.close()

    def _read_body(self, sock, reader, request):
        if request.header("expect") and request.header("expect").lower() == "100-continue":
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        digest = hashlib.sha256()
        te = request.header("transfer-encoding")
        if te is not None:
            if te.lower() != "chunked":
                raise BadRequest("unsupported transfer-encoding %r" % te)
            while True:
                size = int(reader.read_line().split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while reader.read_line() != b"":  # trailer fields
                        pass
                    break
                self._take_body(request, digest, reader.read_exact(size))
                if reader.read_exact(2) != b"\r\n":
                    raise BadRequest("chunk not followed by CRLF")
        else:
            remaining = int(request.header("content-length") or "0")
            while remaining > 0:
                data = reader.read_some(min(remaining, 65536))
                remaining -= len(data)
                self._take_body(request, digest, data)
        request.body_sha256 = digest.hexdigest()

    @staticmethod
    def _take_body(request, digest, data):
        digest.update(data)
        request.body_length += len(data)
        if len(request.body_prefix) < 65536:
            request.body_prefix += data[:65536 - len(request.body_prefix)]

    def _send(self, sock, status, body, request, content_type="application/json", extra=()):
        reason = {200: "OK", 101: "Switching Protocols"}.get(status, "Status")
        lines = ["HTTP/1.1 %d %s" % (status, reason), "X-Backend: " + self.name]
        lines += ["%s: %s" % kv for kv in extra]
        if status not in (204, 304):
            lines += ["Content-Type: " + content_type, "Content-Length: %d" % len(body)]
        if not request.keep_alive():
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        sock.sendall(head + (b"" if request.method == "HEAD" else body))
        return request.keep_alive()

    def _handle(self, sock, reader, request):
        """Answers one request; returns whether the connection may serve another."""
        path = request.path
        if path == "/ws":
            return self._websocket(sock, reader, request)
        self._read_body(sock, reader, request)
        if self.delay_ms:
            time.sleep(self.delay_ms / 1000.0)
        if path.startswith("/slow/"):
            time.sleep(int(path[len("/slow/"):]) / 1000.0)
        elif path.startswith("/stream/"):
            return self._stream(sock, request, int(path[len("/stream/"):]))
        elif path == "/close-mid":
            sock.sendall(b"HTTP/1.1 200 OK\r\nX-Backend: " + self.name.encode() +
                         b"\r\nContent-Length: 1000\r\n\r\n" + b"0123456789")
            return False
        elif path.startswith("/status/"):
            code = int(path[len("/status/"):])
            body = b"" if code in (204, 304) else b"status %d\n" % code
            return self._send(sock, code, body, request, "text/plain")
        body = json.dumps(request.as_dict(self.name)).encode()
        return self._send(sock, 200, body, request)

    def _stream(self, sock, request, n):
        head = ("HTTP/1.1 200 OK\r\nX-Backend: %s\r\nContent-Type: application/octet-stream\r\n"
                "Transfer-Encoding: chunked\r\n" % self.name)
        if not request.keep_alive():
            head += "Connection: close\r\n"
        sock.sendall((head + "\r\n").encode())
        if request.method == "HEAD":
            return request.keep_alive()
        sent = 0
        while sent < n:
            chunk = pattern_bytes(min(16384, n - sent), sent)
            sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            sent += len(chunk)
        sock.sendall(b"0\r\n\r\n")
        return request.keep_alive()

    def _websocket(self, sock, reader, request):
        key = request.header("sec-websocket-key")
        upgrade = (request.header("upgrade") or "").lower()
        if key is None or upgrade != "websocket":
            self._send(sock, 400, b"not a websocket handshake\n", request, "text/plain")
            return False
        sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nX-Backend: %s\r\nSec-WebSocket-Accept: %s\r\n\r\n"
                      % (self.name, websocket_accept(key))).encode())
        while True:
            opcode, payload = read_ws_frame(reader)
            if opcode == 0x8:  # close: answer with the same code, then end (RFC 6455 §5.5.1)
                sock.sendall(encode_ws_frame(0x8, payload, mask=False))
                return False
            if opcode == 0x9:  # ping → pong
                sock.sendall(encode_ws_frame(0xA, payload, mask=False))
                continue
            sock.sendall(encode_ws_frame(opcode, payload, mask=False))


def encode_ws_frame(opcode, payload, mask):
    """One final frame (RFC 6455 §5.2). Clients must mask, servers must not."""
    header = bytes([0x80 | opcode])
    mask_bit = 0x80 if mask else 0
    n = len(payload)
    if n < 126:
        header += bytes([mask_bit | n])
    elif n < 65536:
        header += bytes([mask_bit | 126]) + n.to_bytes(2, "big")
    else:
        header += bytes([mask_bit | 127]) + n.to_bytes(8, "big")
    if not mask:
        return header + payload
    key = b"\x12\x34\x56\x78"
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return header + key + masked


def read_ws_frame(reader):
    """Reads one frame from a _Reader; returns (opcode, unmasked payload)."""
    first, second = reader.read_exact(2)
    opcode = first & 0x0F
    n = second & 0x7F
    if n == 126:
        n = int.from_bytes(reader.read_exact(2), "big")
    elif n == 127:
        n = int.from_bytes(reader.read_exact(8), "big")
    key = reader.read_exact(4) if second & 0x80 else None
    payload = reader.read_exact(n)
    if key:
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return opcode, payload


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--name", default="py")
    parser.add_argument("--reset-on-connect", action="store_true")
    parser.add_argument("--delay-ms", type=int, default=0)
    args = parser.parse_args()
    backend = TestBackend(args.name, args.port, args.reset_on_connect, args.delay_ms).start()
    print("listening %s 127.0.0.1:%d" % (args.name, backend.port), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        backend.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
