"""limit_req … reroute=UPSTREAM with the real yoke: requests over the limit are proxied to
another upstream instead of being refused with 429, counted in yoke_limit_req_rerouted_total;
requests within the limit keep going to the location's own upstream."""

import unittest

from harness import T, YokeTestCase, free_port, http_request, make_config, upstream_block
from security_helpers import metric, request_from


class RerouteTest(YokeTestCase):

    def start(self, limit, extra=""):
        demo = self.start_demo("main", "overflow")
        port, admin = free_port(), free_port()
        upstreams = (upstream_block("app", [demo.address("main")]) +
                     upstream_block("degraded", [demo.address("overflow")]))
        config = make_config(
            port,
            "    location / {\n      %s\n%s\n      proxy_pass http://app;\n    }\n" % (limit, extra),
            upstreams=upstreams,
            http_extra="  limit_req_zone $binary_remote_addr zone=z:1m rate=1r/m;",
            main_extra="admin { listen 127.0.0.1:%d; }" % admin)
        return demo, self.start_yoke(config, port), port, admin

    def test_excess_goes_to_the_overflow_upstream(self):
        demo, yoke, port, admin = self.start("limit_req zone=z burst=2 nodelay reroute=degraded;")
        statuses = [request_from("127.0.0.3", port, "/x")[0] for _ in range(10)]
        self.assertEqual(statuses, [200] * 10)  # nobody is refused
        # The first request and a burst of 2 are within the limit: the main pool; the rest
        # are the attacker's excess, served by the degraded pool.
        self.assertEqual(demo.requests("main"), 3, yoke.diagnostics())
        self.assertEqual(demo.requests("overflow"), 7)
        # Another client is within its own limit: the main pool.
        self.assertEqual(request_from("127.0.0.4", port, "/x")[0], 200)
        self.assertEqual(demo.requests("main"), 4)
        self.assertEqual(metric(admin, "yoke_limit_req_rerouted_total"), 7)
        self.assertIn("limiting requests, rerouting", yoke.error_log)

    def test_dry_run_reroutes_nothing(self):
        demo, _, port, admin = self.start("limit_req zone=z reroute=degraded;",
                                          "      limit_req_dry_run on;")
        self.assertEqual([http_request(port, "/x")[0] for _ in range(4)], [200] * 4)
        self.assertEqual(demo.requests("overflow"), 0)
        self.assertEqual(metric(admin, "yoke_limit_req_rerouted_total"), 0)

    def test_without_reroute_the_excess_is_refused(self):
        demo, _, port, _ = self.start("limit_req zone=z;")
        self.assertEqual([http_request(port, "/x")[0] for _ in range(3)], [200, 429, 429])
        self.assertEqual(demo.requests("overflow"), 0)


if __name__ == "__main__":
    unittest.main()
