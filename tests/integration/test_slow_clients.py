"""Slow clients with the real yoke: a head or body trickled one byte at a time is closed by
client_min_rate within its bounds (client_body_timeout alone would never fire: each byte
comes before it), client_header_timeout bounds a whole head however it trickles, send_timeout
closes a client that stops reading, and a normal client is served all along."""

import socket
import threading
import time
import unittest

from harness import T, YokeTestCase, free_port, http_request, make_config, upstream_block
from security_helpers import metric


def trickle(port, prefix, byte, interval, limit_seconds):
    """Sends prefix, then `byte` every `interval` seconds until the server closes or
    limit_seconds pass. Returns (seconds until closed or None, bytes received)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=T(5)) as client:
        client.sendall(prefix)
        received = b""
        while time.monotonic() - started < limit_seconds:
            try:
                client.sendall(byte)
                client.settimeout(interval)
                chunk = client.recv(4096)
                if not chunk:
                    return time.monotonic() - started, received
                received += chunk
            except socket.timeout:
                continue
            except (ConnectionResetError, BrokenPipeError):
                return time.monotonic() - started, received
        return None, received


class NormalClient(threading.Thread):
    """Requests every 100 ms while the test runs; records the statuses."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.statuses = []
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                self.statuses.append(http_request(self.port, "/x")[0])
            except OSError as error:
                self.statuses.append(repr(error))
            self.done.wait(0.1)

    def stop(self):
        self.done.set()
        self.join(T(10))


class SlowClientTest(YokeTestCase):

    def start(self, http_extra, location_extra=""):
        backend = self.start_py_backend("b")
        port, admin = free_port(), free_port()
        config = make_config(port,
                             "    location / {\n%s\n      proxy_pass http://app;\n    }\n"
                             % location_extra,
                             upstreams=upstream_block("app", [backend.address]),
                             http_extra=http_extra,
                             main_extra="admin { listen 127.0.0.1:%d; }" % admin)
        return backend, self.start_yoke(config, port), port, admin

    def test_trickled_head_is_closed_by_min_rate_and_others_are_served(self):
        backend, yoke, port, admin = self.start(
            "  client_min_rate 100 after=1s;\n  client_header_timeout 60s;")
        normal = NormalClient(port)
        normal.start()
        # 100 bytes/s are due from 1 s after the first byte; one byte every 0.3 s falls behind
        # at once, so the first read after 1 s closes it.
        closed_after, received = trickle(port, b"GET /x HTTP/1.1\r\n", b"a", 0.3, T(10))
        normal.stop()
        self.assertIsNotNone(closed_after, "a trickling head was held for 10 s")
        self.assertGreater(closed_after, 0.9)
        self.assertLess(closed_after, T(3))
        self.assertEqual(received, b"")  # closed without an answer
        self.assertTrue(normal.statuses and all(s == 200 for s in normal.statuses),
                        normal.statuses)
        self.assertEqual(metric(admin, "yoke_client_min_rate_closed_total"), 1)
        self.assertIn("below client_min_rate", yoke.error_log)

    def test_trickled_body_is_closed_although_client_body_timeout_never_fires(self):
        backend, yoke, port, admin = self.start(
            "  client_body_timeout 60s;",
            location_extra="      client_min_rate 200 after=1s;")
        head = (b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
        closed_after, _ = trickle(port, head + b"x" * 50, b"y", 0.3, T(10))
        self.assertIsNotNone(closed_after, "a trickling body was held for 10 s")
        self.assertLess(closed_after, T(3))
        self.assertEqual(metric(admin, "yoke_client_min_rate_closed_total"), 1)
        # A body sent at a normal pace passes the same location.
        status, _, _ = http_request(port, "/upload", method="POST", body=b"z" * 200000)
        self.assertEqual(status, 200)

    def test_client_header_timeout_bounds_a_whole_head(self):
        # No min rate: each byte arrives well within the timeout, yet the head as a whole may
        # take only client_header_timeout (nginx's rule too), so the client is answered 408.
        _, _, port, _ = self.start("  client_header_timeout 1500ms;")
        closed_after, received = trickle(port, b"GET /x HTTP/1.1\r\n", b"a", 0.2, T(10))
        self.assertIsNotNone(closed_after)
        self.assertLess(closed_after, T(3.5))
        self.assertTrue(received.startswith(b"HTTP/1.1 408"), received[:100])

    def test_send_timeout_closes_a_client_that_stops_reading(self):
        _, yoke, port, _ = self.start("  send_timeout 1s;")
        with socket.create_connection(("127.0.0.1", port), timeout=T(5)) as client:
            client.sendall(b"GET /stream/67108864 HTTP/1.1\r\nHost: t\r\n\r\n")
            time.sleep(T(3))  # read nothing: buffers fill, Yoke's writes stop
            # What the socket buffers held comes out, then the end: bounded in time and bytes.
            total, ended, deadline = 0, False, time.monotonic() + T(10)
            client.settimeout(T(5))
            try:
                while time.monotonic() < deadline:
                    chunk = client.recv(1 << 20)
                    if not chunk:
                        ended = True
                        break
                    total += len(chunk)
            except ConnectionResetError:
                ended = True
        self.assertTrue(ended, "the connection was still open after %d bytes" % total)
        self.assertLess(total, 64 << 20)  # closed long before the body was through
        self.assertIn("timed out (send_timeout)", yoke.error_log)


if __name__ == "__main__":
    unittest.main()
