"""limit_req with the real yoke and a real backend: the leaky bucket's verdicts, bursts with and
without delay, keys per client, dry run, one limit across two workers, and config errors."""

import concurrent.futures
import os
import tempfile
import threading
import time

from harness import (HttpSession, T, YokeTestCase, free_port, http_request, make_config,
                     run_yoke_cli, upstream_block)


class RateLimitTest(YokeTestCase):

    def start(self, zone, location_extra, workers=1, key="$binary_remote_addr"):
        demo = self.start_demo("a")
        port = free_port()
        config = make_config(
            port,
            "    location / {\n      proxy_pass http://app;\n%s\n    }\n" % location_extra,
            upstreams=upstream_block("app", [demo.address("a")]),
            http_extra="  limit_req_zone %s zone=z:1m %s;" % (key, zone))
        if workers != 1:
            config = config.replace("worker_processes 1;", "worker_processes %d;" % workers)
        yoke = self.start_yoke(config, port)
        return demo, yoke, port

    def test_over_the_rate_gets_429_with_retry_after(self):
        demo, yoke, port = self.start("rate=2r/s", "limit_req zone=z;")
        statuses = []
        with HttpSession(port) as session:
            for _ in range(5):
                status, headers, _ = session.request("/x")
                statuses.append((status, headers.get("Retry-After")))
        # The first passes (a new key starts empty); the next ones within 500 ms exceed it.
        self.assertEqual(statuses[0], (200, None))
        self.assertIn((429, "1"), statuses[1:], statuses)
        passed = sum(1 for status, _ in statuses if status == 200)
        self.assertEqual(demo.requests("a"), passed, yoke.diagnostics())
        self.assertIn('limiting requests by zone "z"', yoke.error_log)

    def test_burst_nodelay_passes_at_once_and_then_refuses(self):
        demo, _, port = self.start("rate=1r/s", "limit_req zone=z burst=4 nodelay;")
        with HttpSession(port) as session:
            statuses = [session.request("/x")[0] for _ in range(8)]
        self.assertEqual(statuses, [200] * 5 + [429] * 3)

    def test_burst_without_nodelay_spaces_requests_to_the_rate(self):
        demo, _, port = self.start("rate=10r/s", "limit_req zone=z burst=5;")
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(lambda _: http_request(port, "/x")[0], range(6)))
        elapsed = time.monotonic() - started
        self.assertEqual(statuses, [200] * 6)
        # Five wait 100, 200, … 500 ms behind the first: the last answer comes after ~0.5 s.
        self.assertGreater(elapsed, 0.45, elapsed)

    def test_keys_are_limited_separately_and_empty_keys_not_at_all(self):
        demo, _, port = self.start("rate=1r/s", "limit_req zone=z;", key="$http_x_api_key")
        def statuses(key):
            headers = {"X-Api-Key": key} if key else {}
            return [http_request(port, "/x", headers=headers)[0] for _ in range(3)]
        self.assertEqual(statuses("alice"), [200, 429, 429])
        self.assertEqual(statuses("bob"), [200, 429, 429])
        self.assertEqual(statuses(None), [200, 200, 200])

    def test_dry_run_counts_but_lets_everything_through(self):
        _, yoke, port = self.start("rate=1r/s", "limit_req zone=z;\n      limit_req_dry_run on;")
        self.assertEqual([http_request(port, "/x")[0] for _ in range(4)], [200] * 4)
        self.assertIn("limiting requests, dry run", yoke.error_log)

    def test_custom_status(self):
        _, _, port = self.start("rate=1r/s", "limit_req zone=z;\n      limit_req_status 503;")
        self.assertEqual([http_request(port, "/x")[0] for _ in range(2)], [200, 503])

    # Two workers, eight keep-alive clients, as fast as they can for 3 s against 50 r/s: the
    # limit holds for the client as a whole (the first request, then 50 a second), not per
    # worker.
    def test_one_limit_across_two_workers(self):
        # burst=5 nodelay: without a burst, nginx's rule accepts a request only once a whole
        # 20 ms passed since the last one, and time past that point is not credited, so on a
        # loaded machine (sparser arrivals) fewer than 50 a second pass; a small burst absorbs
        # that jitter and leaves what is tested: one limit, not one per worker.
        demo, yoke, port = self.start("rate=50r/s", "limit_req zone=z burst=5 nodelay;",
                                      workers=2)
        deadline = time.monotonic() + 3.0
        counts = {"ok": 0, "limited": 0, "other": 0}
        lock = threading.Lock()

        def client():
            with HttpSession(port) as session:
                while time.monotonic() < deadline:
                    status = session.request("/x")[0]
                    kind = "ok" if status == 200 else "limited" if status == 429 else "other"
                    with lock:
                        counts[kind] += 1

        threads = [threading.Thread(target=client) for _ in range(8)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(T(20))
        elapsed = time.monotonic() - started
        expected = 1 + 5 + 50 * elapsed
        if os.environ.get("YOKE_IT_VERBOSE"):
            print("\n%s in %.2f s (expected %.0f accepted)" % (counts, elapsed, expected))
        self.assertEqual(counts["other"], 0, counts)
        self.assertGreater(counts["limited"], counts["ok"], counts)
        self.assertLess(abs(counts["ok"] - expected), 0.1 * expected, (counts, elapsed))
        self.assertEqual(demo.requests("a"), counts["ok"], yoke.diagnostics())

    def test_config_errors_name_the_place(self):
        cases = [
            ("limit_req_zone $binary_remote_addr zone=z:1m rate=1r/s;",
             "limit_req zone=nope;", "unknown limit_req_zone \"nope\""),
            ("limit_req_zone $binary_remote_addr zone=z:1m rate=fast;",
             "limit_req zone=z;", "invalid rate \"rate=fast\""),
            ("limit_req_zone $binary_remote_addr zone=z rate=1r/s;",
             "limit_req zone=z;", "invalid zone \"zone=z\""),
            ("limit_req_zone $binary_remote_addr zone=z:1m rate=1r/s;",
             "limit_req zone=z burst=x;", "invalid burst value \"burst=x\""),
            ("limit_req_zone $no_such zone=z:1m rate=1r/s;",
             "limit_req zone=z;", "unknown \"no_such\" variable"),
        ]
        for zone, rule, message in cases:
            with self.subTest(message=message):
                port = free_port()
                config = make_config(port, "    location / { return 200; %s }\n" % rule,
                                     http_extra="  " + zone).replace("@ERRLOG@", "stderr")
                with tempfile.TemporaryDirectory() as directory:
                    path = os.path.join(directory, "yoke.conf")
                    with open(path, "w") as out:
                        out.write(config)
                    result = run_yoke_cli(["-t", "-c", path])
                self.assertEqual(result.returncode, 1, result.stderr)
                self.assertRegex(result.stderr, r"yoke\.conf:\d+:\d+: ")
                self.assertIn(message, result.stderr)


class ConnLimitTest(YokeTestCase):
    """limit_conn: requests in progress per key, given back when each request ends — also when
    the client goes away in the middle."""

    def start(self, location_extra, workers=1):
        demo = self.start_demo("a", delay_ms=400)
        port = free_port()
        config = make_config(
            port,
            "    location / {\n      proxy_pass http://app;\n%s\n    }\n" % location_extra,
            upstreams=upstream_block("app", [demo.address("a")]),
            http_extra="  limit_conn_zone $binary_remote_addr zone=c:1m;")
        if workers != 1:
            config = config.replace("worker_processes 1;", "worker_processes %d;" % workers)
        return demo, self.start_yoke(config, port), port

    def burst(self, port, count):
        with concurrent.futures.ThreadPoolExecutor(count) as pool:
            return sorted(pool.map(lambda _: http_request(port, "/x")[0], range(count)))

    def test_at_most_n_in_progress_across_workers(self):
        demo, yoke, port = self.start("limit_conn c 2;", workers=2)
        self.assertEqual(self.burst(port, 6), [200, 200, 429, 429, 429, 429])
        self.assertEqual(demo.requests("a"), 2)
        # Both counts were given back: the next two pass again.
        self.assertEqual(self.burst(port, 2), [200, 200])
        self.assertIn('limiting connections by zone "c"', yoke.error_log)

    def test_a_client_that_leaves_gives_its_count_back(self):
        demo, _, port = self.start("limit_conn c 1;")
        for _ in range(3):
            client = self.raw_client(port)
            client.send(b"GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
            time.sleep(0.1)  # proxied, waiting for the slow backend
            client.close()
        time.sleep(0.5)
        self.assertEqual(http_request(port, "/x")[0], 200)

    def test_dry_run_and_status(self):
        _, _, port = self.start("limit_conn c 1;\n      limit_conn_dry_run on;")
        self.assertEqual(self.burst(port, 3), [200, 200, 200])

    def test_custom_status(self):
        _, _, port = self.start("limit_conn c 1;\n      limit_conn_status 503;")
        self.assertEqual(self.burst(port, 2), [200, 503])
