"""Passive outlier ejection (`outlier_detection`) and the retry budget (`retry_budget`) with the
real `yoke` on two workers and demo backends made to fail at run time through `/__control`
(docs/resilience.md): a backend answering 500 is ejected after consecutive_5xx failures counted
across both workers, gets no requests while ejected, returns after base_ejection_time, and
max_ejection_percent keeps the other failing backends in; with every backend failing, retries
stay within the budget and the refusals are counted in /metrics."""

import time

from harness import T, HttpSession, YokeTestCase, free_port, http_request
from test_metrics import parse_exposition, total, value

EJECTION = 1.5  # base_ejection_time in seconds: short, so the test sees the host come back


class OutlierTest(YokeTestCase):

    TEST_TIMEOUT = 90

    def start_proxy(self, demo, upstream_extra, location_extra=""):
        port, admin = free_port(), free_port()
        servers = "".join("    server %s max_fails=0;\n" % demo.address(n) for n in demo.names)
        config = """worker_processes 2;
error_log @ERRLOG@ info;
admin { listen 127.0.0.1:%d; }
http {
  upstream app {
%s    %s
  }
  server {
    listen 127.0.0.1:%d;
    location / { proxy_pass http://app; %s }
  }
}
""" % (admin, servers, upstream_extra, port, location_extra)
        return self.start_yoke(config, port), port, admin

    def scrape(self, admin):
        status, _, body = http_request(admin, "/metrics")
        self.assertEqual(status, 200, body)
        return parse_exposition(body.decode())

    def spread(self, port, count, clients=4):
        """Answers of count GETs over `clients` fresh keep-alive connections (so both workers
        serve): {backend name or status: count}."""
        counts = {}
        sessions = [HttpSession(port, timeout=T(5)) for _ in range(clients)]
        for i in range(count):
            status, headers, _ = sessions[i % clients].request("/x/%d" % i)
            key = headers.get("X-Backend") if status == 200 else status
            counts[key] = counts.get(key, 0) + 1
        for session in sessions:
            session.close()
        return counts

    def test_a_failing_backend_is_ejected_across_workers_and_returns(self):
        demo = self.start_demo("a", "b", "c", "d")
        _, port, admin = self.start_proxy(
            demo, "outlier_detection consecutive_5xx=5 base_ejection_time=%dms "
            "max_ejection_percent=50;" % (EJECTION * 1000),
            "proxy_next_upstream off;")
        demo.control("a", "fail=1")
        # Round robin over four servers in two workers: "a" answers 500 about once in four.
        counts = self.spread(port, 80)
        samples = self.scrape(admin)
        server_a = demo.address("a")
        self.assertEqual(value(samples, "yoke_server_ejections_total", upstream="app",
                               server=server_a), 1, counts)
        self.assertEqual(value(samples, "yoke_server_ejected", upstream="app", server=server_a), 1)
        # Five consecutive failures in all, however the two workers shared them. A worker
        # records an attempt's outcome just after the response's last byte is written, so a
        # sixth request may reach "a" on the other worker in that instant (a preempted worker).
        self.assertIn(counts.get(500, 0), (5, 6), counts)
        ejected_at = time.monotonic()
        during = self.spread(port, 60)
        self.assertEqual(during.get(500, 0), 0, during)
        self.assertNotIn("a", during)
        demo.control("a", "fail=0")
        time.sleep(max(0, EJECTION - (time.monotonic() - ejected_at)) + T(0.2))
        after = self.spread(port, 80)
        self.assertGreater(after.get("a", 0), 10, after)
        samples = self.scrape(admin)
        self.assertEqual(value(samples, "yoke_server_ejected", upstream="app", server=server_a), 0)

    def test_max_ejection_percent_keeps_the_rest_in(self):
        demo = self.start_demo("a", "b", "c", "d")
        _, port, admin = self.start_proxy(
            demo, "outlier_detection consecutive_5xx=3 base_ejection_time=30s "
            "max_ejection_percent=50;", "proxy_next_upstream off;")
        for name in ("a", "b", "c"):
            demo.control(name, "fail=1")
        self.spread(port, 120)
        samples = self.scrape(admin)
        ejected = total(samples, "yoke_server_ejected", upstream="app")
        self.assertEqual(ejected, 2, "50 % of four servers")
        self.assertEqual(total(samples, "yoke_server_ejections_total", upstream="app"), 2)
        # The third failing server still takes its share.
        counts = self.spread(port, 60)
        self.assertGreater(counts.get(500, 0), 10, counts)
        self.assertGreater(counts.get("d", 0), 10, counts)

    def test_retries_stay_within_the_budget_when_everything_fails(self):
        demo = self.start_demo("a", "b", "c")
        _, port, admin = self.start_proxy(
            demo, "retry_budget percent=20 min_per_second=1;",
            "proxy_next_upstream error timeout http_500;")
        for name in demo.names:
            demo.control(name, "fail=1")
        requests = 200
        started = time.monotonic()
        counts = self.spread(port, requests)
        elapsed = time.monotonic() - started
        self.assertEqual(counts, {500: requests})
        samples = self.scrape(admin)
        retries = value(samples, "yoke_upstream_retries_total", upstream="app")
        refused = value(samples, "yoke_upstream_retry_budget_exhausted_total", upstream="app")
        # 20 % of the requests, one a second, and the one second's worth it starts with.
        allowed = requests * 0.20 + (elapsed + 1) * 1
        self.assertLessEqual(retries, allowed, (retries, elapsed))
        self.assertGreater(retries, requests * 0.20 * 0.8, retries)
        # Without a budget each request would have been tried on all three servers.
        self.assertGreater(refused, requests - retries - 1)
        attempts = sum(demo.requests(n) for n in demo.names)
        self.assertEqual(attempts, requests + retries)
