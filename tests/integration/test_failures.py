"""Failures on either side: clients and backends that vanish mid-message, backends that refuse,
reset or stall. Yoke must answer with the right status, never hang, and keep serving."""

import json
import socket
import time

from harness import (T, ConnectionClosed, YokeTestCase, build_request, free_port, http_request,
                     make_config, upstream_block)


class FailuresTest(YokeTestCase):

    def start_proxy(self, servers, location_extra=""):
        port = free_port()
        config = make_config(
            port, "    location / { proxy_pass http://app; %s }\n" % location_extra,
            upstreams=upstream_block("app", servers))
        self.yoke = self.start_yoke(config, port)
        return port

    def assert_still_serves(self, port):
        status, _, body = http_request(port, "/inspect", timeout=T(5))
        self.assertEqual(status, 200, body)
        self.assertTrue(self.yoke.running())

    def test_client_closing_mid_body_leaves_yoke_serving(self):
        backend = self.start_py_backend()
        port = self.start_proxy([backend.address], "client_max_body_size 0;")
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", port), timeout=T(3)) as sock:
                sock.sendall(build_request("POST", "/inspect", [("Host", "x"),
                                                                 ("Content-Length", "1000000")]))
                sock.sendall(b"z" * 1000)
            time.sleep(0.1)
        self.assert_still_serves(port)

    def test_backend_closing_mid_response_truncates_not_hangs(self):
        backend = self.start_py_backend()
        port = self.start_proxy([backend.address])
        client = self.raw_client(port, timeout=T(5))
        client.send(build_request("GET", "/close-mid"))
        started = time.monotonic()
        try:
            response = client.read_response()
        except ConnectionClosed:
            response = None  # head (maybe) and 10 of 1000 bytes, then close: truncated
        except socket.timeout:
            self.fail("client left hanging %.1fs after the backend closed" %
                      (time.monotonic() - started))
        if response is not None:
            # A proxy that had not yet sent the head may turn the failure into a 502.
            self.assertEqual(response.status, 502, response)
        else:
            self.assertTrue(client.wait_closed(T(3)))
        self.assert_still_serves(port)

    def test_502_when_every_server_refuses(self):
        port = self.start_proxy(["127.0.0.1:%d" % free_port(), "127.0.0.1:%d" % free_port()])
        status, _, _ = http_request(port, "/", timeout=T(5))
        self.assertEqual(status, 502)

    def test_502_when_backend_resets_connections(self):
        backend = self.start_py_backend(reset_on_connect=True)
        port = self.start_proxy([backend.address])
        status, _, _ = http_request(port, "/", timeout=T(5))
        self.assertEqual(status, 502)
        self.assertGreaterEqual(backend.counts()["connections"], 1)

    def test_all_servers_down_answers_502_or_503(self):
        port = self.start_proxy(["127.0.0.1:%d max_fails=1 fail_timeout=30s" % free_port(),
                                 "127.0.0.1:%d max_fails=1 fail_timeout=30s" % free_port()])
        statuses = [http_request(port, "/r%d" % i, timeout=T(5))[0] for i in range(6)]
        self.assertEqual(statuses[0], 502)
        for status in statuses[1:]:
            self.assertIn(status, (502, 503), statuses)

    def test_504_when_backend_slower_than_read_timeout(self):
        backend = self.start_py_backend()
        port = self.start_proxy([backend.address],
                                "proxy_read_timeout 1s; proxy_next_upstream off;")
        started = time.monotonic()
        status, _, _ = http_request(port, "/slow/5000", timeout=T(10))
        elapsed = time.monotonic() - started
        self.assertEqual(status, 504)
        self.assertGreater(elapsed, 0.9)
        self.assertLess(elapsed, 4.5, "Yoke waited for the backend instead of timing out")

    def test_stalled_server_is_given_up_and_the_other_serves(self):
        # proxy_next_upstream timeout: a read timeout before any response byte is retried on
        # the next server, and the stalled one counts a failure (max_fails=1) so it rests.
        slow = self.start_py_backend("slow", delay_ms=3000)
        fast = self.start_py_backend("fast")
        port = self.start_proxy([slow.address, fast.address],
                                "proxy_read_timeout 1s; proxy_next_upstream error timeout;")
        for i in range(4):
            status, _, body = http_request(port, "/r%d" % i, timeout=T(10))
            self.assertEqual(status, 200, body)
            self.assertEqual(json.loads(body)["backend"], "fast")
        self.assertLessEqual(slow.counts()["requests"], 1)
        self.assertEqual(fast.counts()["requests"], 4)

    def test_backend_error_statuses_pass_through_unretried(self):
        # proxy_next_upstream defaults to "error timeout": a 500 from a live server is the
        # answer, not a reason to try the other one.
        first = self.start_py_backend("first")
        second = self.start_py_backend("second")
        port = self.start_proxy([first.address, second.address])
        client = self.raw_client(port)
        for code in (404, 500, 503, 204, 201):
            client.send(build_request("GET", "/status/%d" % code))
            response = client.read_response()
            self.assertEqual(response.status, code)
            expected = b"" if code == 204 else b"status %d\n" % code
            self.assertEqual(response.body, expected)
        total = first.counts()["requests"] + second.counts()["requests"]
        self.assertEqual(total, 5)
