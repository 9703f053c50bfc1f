"""A raw-socket backend that records exactly the bytes each connection delivers (stdlib only).

Used by test_smuggling.py: whatever Yoke forwards is compared byte for byte with what the
smuggling corpus says must arrive, so the backend must not interpret more than it needs to
answer. Per connection it reads until the bytes hold one complete request by the strict rules
Yoke's own output follows (a head ending in CRLF CRLF, then a Content-Length body or a chunked
body ending in a last chunk and CRLF), or until the peer closes, or until `quiet` seconds pass
without bytes; answers `200` with Connection: close; then keeps reading until the peer closes
(bounded), so that anything sent after the first request — a smuggled second request — is
recorded too. One connection's bytes are one record.
"""

import re
import socket
import threading
import time

RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n"
            b"X-Backend: recording\r\n\r\nrecorded\n")
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*([0-9]+)[ \t]*\r\n", re.IGNORECASE)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding:[ \t]*chunked[ \t]*\r\n", re.IGNORECASE)


def chunked_end(data, start):
    """Offset just past a complete chunked body that starts at `start`, or None. Expects the
    canonical form Yoke writes (hex size, CRLF, data, CRLF; trailers; CRLF)."""
    pos = start
    while True:
        line_end = data.find(b"\r\n", pos)
        if line_end < 0:
            return None
        try:
            size = int(data[pos:line_end].split(b";")[0], 16)
        except ValueError:
            return len(data)  # not what Yoke writes: stop waiting, the comparison will say so
        pos = line_end + 2
        if size == 0:
            end = data.find(b"\r\n\r\n", pos - 2)
            return None if end < 0 else end + 4
        pos += size + 2
        if pos > len(data):
            return None


def request_end(data):
    """Offset just past the first complete request in data, or None when it is incomplete."""
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    body_start = head_end + 4
    head = data[:head_end + 2]
    if _CHUNKED.search(head):
        return chunked_end(data, body_start)
    length = _CONTENT_LENGTH.search(head)
    end = body_start + (int(length.group(1)) if length else 0)
    return end if end <= len(data) else None


class RecordingBackend:
    """Accepts connections on 127.0.0.1 (a kernel-picked port) and records their bytes."""

    def __init__(self, quiet=1.0, linger=1.0):
        self.quiet = quiet    # seconds without bytes before answering an incomplete request
        self.linger = linger  # seconds to wait for the peer's close after answering
        self.lock = threading.Lock()
        self.accepted = 0
        self.records = []  # bytes per finished connection, in order of acceptance
        self._finished = threading.Condition(self.lock)
        self._slots = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.address = "127.0.0.1:%d" % self.port
        self.stopped = False
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)
        self.thread.start()

    def _accept_loop(self):
        while not self.stopped:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                index = self.accepted
                self.accepted += 1
                self._slots.append(None)
            threading.Thread(target=self._serve, args=(sock, index), daemon=True).start()

    def _read_until(self, sock, data, done, deadline):
        """Appends to data until done(data), EOF or the deadline. Returns (data, eof)."""
        while not done(data):
            left = deadline - time.monotonic()
            if left <= 0:
                return data, False
            sock.settimeout(left)
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                return data, False
            except OSError:
                return data, True
            if not chunk:
                return data, True
            data += chunk
        return data, False

    def _serve(self, sock, index):
        data = b""
        try:
            data, eof = self._read_until(sock, data, lambda d: request_end(d) is not None,
                                         time.monotonic() + self.quiet)
            if not eof:
                try:
                    sock.sendall(RESPONSE)
                    sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                data, _ = self._read_until(sock, data, lambda d: False,
                                           time.monotonic() + self.linger)
        finally:
            sock.close()
            with self.lock:
                self._slots[index] = data
                self.records = [slot for slot in self._slots if slot is not None]
                self._finished.notify_all()

    def wait_records(self, count, timeout):
        """Waits until `count` connections have finished; returns their bytes in order of
        acceptance (fewer on timeout)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while sum(slot is not None for slot in self._slots) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._finished.wait(left)
            return [slot for slot in self._slots if slot is not None]

    def counts(self):
        with self.lock:
            return self.accepted, len(self.records)

    def stop(self):
        self.stopped = True
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
