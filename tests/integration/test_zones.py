"""Zone-aware routing (`zone_aware on`, `server … zone=NAME`, `yoke_zone` / `--zone`) and
priority levels (`server … priority=N`) with the real `yoke` and demo backends whose health
checks the test fails at run time (docs/resilience.md): traffic stays in the local zone until
local servers fail, then spills in proportion to the shortfall; a lower priority level takes
traffic only as the higher one loses healthy capacity, gradually."""

import os
import shutil
import tempfile
import time

from harness import T, HttpSession, YokeTestCase, free_port, make_config, run_yoke_cli

CHECK = "health_check interval=100ms fails=1 passes=1 timeout=500ms;"
SETTLE = 0.6  # a few check intervals


class ZonesTest(YokeTestCase):

    TEST_TIMEOUT = 90

    def start_proxy(self, demo, servers, extra, main_extra="yoke_zone east;"):
        port = free_port()
        lines = "".join("    server %s %s;\n" % (demo.address(n), params)
                        for n, params in servers)
        upstream = "  upstream app {\n%s    %s\n    %s\n  }\n" % (lines, CHECK, extra)
        config = make_config(port, "    location / { proxy_pass http://app; }\n",
                             upstreams=upstream, main_extra=main_extra)
        return self.start_yoke(config, port), port

    def spread(self, port, count):
        counts = {}
        session = HttpSession(port, timeout=T(5))
        for i in range(count):
            status, headers, _ = session.request("/z/%d" % i)
            self.assertEqual(status, 200)
            name = headers.get("X-Backend")
            counts[name] = counts.get(name, 0) + 1
        session.close()
        return counts

    def fail_health(self, demo, *names):
        for name in names:
            demo.control(name, "health=fail")
        time.sleep(T(SETTLE))

    def test_traffic_stays_local_until_local_servers_fail_then_spills(self):
        demo = self.start_demo("e1", "e2", "e3", "w1", "w2")
        servers = [(n, "zone=east") for n in ("e1", "e2", "e3")] + \
                  [(n, "zone=west") for n in ("w1", "w2")]
        _, port = self.start_proxy(demo, servers, "zone_aware on min_healthy_percent=70;")
        time.sleep(T(SETTLE))
        counts = self.spread(port, 300)
        self.assertEqual(counts.get("w1", 0) + counts.get("w2", 0), 0, counts)
        # One of three local servers down: 66.7 % healthy, 95 % stays local.
        self.fail_health(demo, "e1")
        counts = self.spread(port, 1000)
        west = counts.get("w1", 0) + counts.get("w2", 0)
        self.assertNotIn("e1", counts)
        self.assertLess(west, 120, counts)
        # Two down: 33 % healthy, 47.6 % stays local, 52.4 % spills.
        self.fail_health(demo, "e2")
        counts = self.spread(port, 1000)
        west = counts.get("w1", 0) + counts.get("w2", 0)
        self.assertGreater(west, 420, counts)
        self.assertLess(west, 630, counts)
        # All local servers down: everything goes west.
        self.fail_health(demo, "e3")
        counts = self.spread(port, 200)
        self.assertEqual(counts.get("w1", 0) + counts.get("w2", 0), 200, counts)

    def test_zone_from_the_command_line_overrides_yoke_zone(self):
        demo = self.start_demo("e1", "w1")
        port = free_port()
        lines = "    server %s zone=east;\n    server %s zone=west;\n" % (
            demo.address("e1"), demo.address("w1"))
        config = make_config(port, "    location / { proxy_pass http://app; }\n",
                             upstreams="  upstream app {\n%s    zone_aware on;\n  }\n" % lines,
                             main_extra="yoke_zone east;")
        # The harness runs `yoke -c FILE`; this wrapper execs it with --zone added (same pid).
        self.start_yoke(config, port, wrapper=["sh", "-c", 'exec "$0" "$@" --zone west'])
        self.assertEqual(self.spread(port, 50), {"w1": 50})

    def test_zone_aware_without_a_zone_is_a_config_error(self):
        directory = tempfile.mkdtemp(prefix="yoke-zones-")
        self.addCleanup(shutil.rmtree, directory, True)
        path = os.path.join(directory, "yoke.conf")
        with open(path, "w") as f:
            f.write(make_config(free_port(), "    location / { proxy_pass http://app; }\n",
                                upstreams="  upstream app {\n    server 127.0.0.1:9 zone=east;\n"
                                          "    zone_aware on;\n  }\n")
                    .replace("@ERRLOG@", "stderr"))
        result = run_yoke_cli(["-t", "-c", path])
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("%s:8:5: \"zone_aware on\" in upstream \"app\" needs the balancer's own "
                      "zone" % path, result.stderr)
        result = run_yoke_cli(["-t", "-c", path, "--zone", "east"])
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_lower_priority_takes_traffic_gradually(self):
        demo = self.start_demo("p1", "p2", "p3", "p4", "q1")
        servers = [(n, "priority=0") for n in ("p1", "p2", "p3", "p4")] + [("q1", "priority=1")]
        _, port = self.start_proxy(demo, servers, "", main_extra="")
        time.sleep(T(SETTLE))
        self.assertNotIn("q1", self.spread(port, 200))
        # 75 % of level 0 healthy: above 70 %, the lower level stays idle.
        self.fail_health(demo, "p1")
        self.assertNotIn("q1", self.spread(port, 400))
        # 50 %: 71.4 % stays, 28.6 % spills.
        self.fail_health(demo, "p2")
        counts = self.spread(port, 1000)
        self.assertGreater(counts.get("q1", 0), 200, counts)
        self.assertLess(counts.get("q1", 0), 380, counts)
        # 25 %: 35.7 % stays, 64.3 % spills.
        self.fail_health(demo, "p3")
        counts = self.spread(port, 1000)
        self.assertGreater(counts.get("q1", 0), 560, counts)
        self.assertLess(counts.get("q1", 0), 730, counts)
