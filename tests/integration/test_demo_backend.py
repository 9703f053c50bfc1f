"""yoke-demo-backend on its own (no Yoke): the other tests and the benchmarks rely on it, and
these tests also check the harness's clients against a known server."""

import hashlib
import json
import signal
import socket
import subprocess
import threading
import time

from harness import (T, HttpSession, YokeTestCase, build_request, demo_binary, http_request,
                     pipeline, port_refuses)


def settings(delay_ms=0, fail=0, hang=0, health="ok", agent="ready"):
    """What /__control answers: the backend's settings."""
    return {"delay_ms": delay_ms, "fail": fail, "hang": hang, "health": health, "agent": agent}


def read_agent(port, send=b""):
    """Connects to an agent-check port, sends `send`, returns what arrives until the close."""
    with socket.create_connection(("127.0.0.1", port), timeout=T(5)) as sock:
        if send:
            sock.sendall(send)
        data = b""
        while True:
            piece = sock.recv(1024)
            if not piece:
                return data
            data += piece


class DemoBackendTest(YokeTestCase):

    def setUp(self):
        super().setUp()
        self.demo = self.start_demo("alpha", "beta")
        self.port = self.demo.port("alpha")

    def test_any_path_answers_name_with_header(self):
        for name in ("alpha", "beta"):
            status, headers, body = http_request(self.demo.port(name), "/some/path?x=1")
            self.assertEqual(status, 200)
            self.assertEqual(body, (name + "\n").encode())
            self.assertEqual(headers["X-Backend"], name)

    def test_echo_with_content_length(self):
        payload = bytes(range(256)) * 4000
        status, _, body = http_request(self.port, "/echo", "POST", body=payload)
        self.assertEqual(status, 200)
        self.assertEqual(body, payload)

    def test_echo_with_chunked_body(self):
        with self.raw_client(self.port) as client:
            client.send(build_request("POST", "/echo", [("Host", "x"),
                                                         ("Transfer-Encoding", "chunked")]))
            client.send(b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n")
            response = client.read_response()
        self.assertEqual(response.status, 200)
        self.assertEqual(response.body, b"hello world")

    def test_bytes_streams_exact_count(self):
        with self.raw_client(self.port, timeout=T(30)) as client:
            client.send(build_request("GET", "/bytes/%d" % (64 << 20)))
            seen = {"x": 0, "other": 0}

            def sink(piece):
                count = piece.count(b"x")
                seen["x"] += count
                seen["other"] += len(piece) - count

            response = client.read_response(body_sink=sink)
        self.assertEqual(response.status, 200)
        self.assertEqual(seen, {"x": 64 << 20, "other": 0})

    def test_head_has_length_but_no_body(self):
        with self.raw_client(self.port) as client:
            client.send(build_request("HEAD", "/bytes/1000") + build_request("GET", "/"))
            head = client.read_response(head_request=True)
            following = client.read_response()
        self.assertEqual(head.header("Content-Length"), "1000")
        self.assertEqual(head.body, b"")
        self.assertEqual((following.status, following.body), (200, b"alpha\n"))

    def test_pipelined_mixed_requests_answer_in_order(self):
        requests = [
            build_request("GET", "/bytes/300000"),
            build_request("POST", "/echo", [("Host", "x"), ("Content-Length", "3")], b"abc"),
            build_request("GET", "/"),
        ]
        responses = pipeline(self.port, requests)
        self.assertEqual([r.status for r in responses], [200, 200, 200])
        self.assertEqual(responses[0].body, b"x" * 300000)
        self.assertEqual(responses[1].body, b"abc")
        self.assertEqual(responses[2].body, b"alpha\n")

    def test_stats_count_connections_and_requests(self):
        with HttpSession(self.port) as session:
            for _ in range(5):
                self.assertEqual(session.request("/")[0], 200)
        http_request(self.port, "/other")
        self.assertEqual(self.demo.stats("alpha"), {"connections": 2, "requests": 6})
        self.assertEqual(self.demo.stats("beta"), {"connections": 0, "requests": 0})
        self.assertEqual(self.demo.stats("alpha"), {"connections": 2, "requests": 6})

    def test_malformed_requests_get_400_and_close(self):
        bad = [
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx",  # no Host
            b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        ]
        for raw in bad:
            with self.subTest(raw=raw), self.raw_client(self.port) as client:
                client.send(raw)
                self.assertEqual(client.read_response().status, 400)
                self.assertTrue(client.wait_closed(T(2)))

    def test_http10_closes_and_expect_continue(self):
        with self.raw_client(self.port) as client:
            client.send(b"GET / HTTP/1.0\r\n\r\n")
            self.assertEqual(client.read_response().body, b"alpha\n")
            self.assertTrue(client.wait_closed(T(2)))
        with self.raw_client(self.port) as client:
            client.send(build_request("POST", "/echo", [("Host", "x"), ("Content-Length", "2"),
                                                         ("Expect", "100-continue")]))
            self.assertEqual(client.read_response().status, 100)
            client.send(b"ok")
            self.assertEqual(client.read_response().body, b"ok")

    def test_large_upload_is_discarded_or_echoed(self):
        payload = b"y" * (8 << 20)
        status, _, body = http_request(self.port, "/", "POST", body=payload, timeout=T(20))
        self.assertEqual((status, body), (200, b"alpha\n"))
        status, _, body = http_request(self.port, "/echo", "POST", body=payload, timeout=T(20))
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.sha256(body).digest(), hashlib.sha256(payload).digest())


class DemoBackendProcessTest(YokeTestCase):

    def test_delay_and_sigterm_exit_zero(self):
        demo = self.start_demo("slow", delay_ms=300)
        started = time.monotonic()
        status, _, body = http_request(demo.port("slow"), "/")
        self.assertEqual((status, body), (200, b"slow\n"))
        self.assertGreaterEqual(time.monotonic() - started, 0.29)
        # /__stats is never delayed.
        self.assertEqual(json.loads(http_request(demo.port("slow"), "/__stats")[2])["requests"], 1)
        self.assertEqual(demo.stop(), 0)
        self.assertTrue(port_refuses(demo.port("slow")))

    def test_delayed_responses_on_many_connections_overlap(self):
        demo = self.start_demo("slow", delay_ms=500)
        results = []

        def one():
            results.append(http_request(demo.port("slow"), "/", timeout=T(5))[0])

        threads = [threading.Thread(target=one) for _ in range(8)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(T(10))
        self.assertEqual(results, [200] * 8)
        self.assertLess(time.monotonic() - started, 2.0 * (3 if T(1) > 1 else 1))

    def test_control_sets_delay_and_failure_at_run_time(self):
        demo = self.start_demo("a", "b")
        port = demo.port("a")
        status, _, body = http_request(port, "/__control?delay_ms=300")
        self.assertEqual((status, json.loads(body)), (200, settings(delay_ms=300)))
        started = time.monotonic()
        self.assertEqual(http_request(port, "/x")[2], b"a\n")
        self.assertGreaterEqual(time.monotonic() - started, 0.29)
        # Only the backend asked is changed.
        started = time.monotonic()
        self.assertEqual(http_request(demo.port("b"), "/x")[2], b"b\n")
        self.assertLess(time.monotonic() - started, 0.25)

        status, headers, body = http_request(port, "/__control?fail=1")
        self.assertEqual((status, json.loads(body)), (200, settings(delay_ms=300, fail=1)))
        started = time.monotonic()
        with HttpSession(port) as session:
            for _ in range(3):  # failing answers keep the connection alive, without the delay
                status, headers, body = session.request("/x")
                self.assertEqual((status, body), (500, b"a failing\n"))
                self.assertEqual(headers["X-Backend"], "a")
        self.assertLess(time.monotonic() - started, 0.25)

        self.assertEqual(json.loads(http_request(port, "/__control?fail=0&delay_ms=0")[2]),
                         settings())
        self.assertEqual(http_request(port, "/x")[:3:2], (200, b"a\n"))
        # /__control requests are not counted: 1 delayed + 3 failed + 1 normal.
        self.assertEqual(demo.requests("a"), 5)

    def test_control_rejects_what_it_does_not_understand(self):
        demo = self.start_demo("a")
        for query in ("delay_ms=x", "fail=2", "colour=red", "delay_ms=-1", "hang=2",
                      "health=sick", "agent=", "agent=%0a", 'agent="'):
            with self.subTest(query=query):
                self.assertEqual(http_request(demo.port("a"), "/__control?" + query)[0], 400)
        self.assertEqual(json.loads(http_request(demo.port("a"), "/__control")[2]), settings())

    def test_health_hang_and_agent_answers_change_at_run_time(self):
        demo = self.start_demo("a", "b", agent=True)
        port = demo.port("a")
        self.assertEqual(http_request(port, "/health")[:3:2], (200, b"ok\n"))
        self.assertEqual(read_agent(demo.agent_port("a")), b"ready\n")
        self.assertEqual(demo.control("a", "health=fail&agent=drain+50%25"),
                         settings(health="fail", agent="drain 50%"))
        self.assertEqual(http_request(port, "/health")[0], 500)
        self.assertEqual(http_request(port, "/x")[:3:2], (200, b"a\n"))  # other paths work
        self.assertEqual(read_agent(demo.agent_port("a"), b"hello\n"), b"drain 50%\n")
        self.assertEqual(read_agent(demo.agent_port("b")), b"ready\n")  # only a changed
        demo.control("a", "health=hang&agent=50%")
        with self.assertRaises(socket.timeout):
            http_request(port, "/health", timeout=0.5)
        self.assertEqual(http_request(port, "/x")[0], 200)
        self.assertEqual(read_agent(demo.agent_port("a")), b"50%\n")
        demo.control("a", "health=ok&hang=1")  # now every path hangs, /health too
        for path in ("/health", "/x"):
            with self.assertRaises(socket.timeout):
                http_request(port, path, timeout=0.5)
        self.assertEqual(demo.control("a", "hang=0"), settings(agent="50%"))
        self.assertEqual(http_request(port, "/health")[0], 200)
        # /health is not counted as a request: /x twice answered, twice hung.
        self.assertEqual(demo.requests("a"), 3)

    def test_bad_flags_exit_nonzero(self):
        for args in ([], ["--listen", "127.0.0.1:0"], ["--name", "x"], ["--bogus", "1"]):
            with self.subTest(args=args):
                result = subprocess.run([demo_binary()] + args, capture_output=True,
                                        timeout=T(5))
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(b"usage", result.stderr)

    def test_sigint_exits_zero(self):
        demo = self.start_demo("a")
        demo.process.send_signal(signal.SIGINT)
        self.assertEqual(demo.process.wait(timeout=T(5)), 0)
