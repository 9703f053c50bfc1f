"""Active health checks (issue 5) with the real `yoke` and real demo backends under a steady
load from the test: a killed backend costs no failed GET and is marked down within
interval x fails + 1 s, and gets traffic again after `passes` checks once it is back; a backend
whose /health answers 500 while other paths work is taken out; one that accepts and never
answers is taken out by the check's timeout; `mandatory` servers wait for a first pass; when
every primary is down the backups serve; bad health_check / match config is rejected with
file:line:column."""

import os
import shutil
import tempfile
import time

from harness import T, YokeTestCase, free_port, make_config, run_yoke_cli, upstream_block
from steady_load import SteadyLoad, wait_for_log

INTERVAL = 0.5
FAILS = 2
PASSES = 2
CHECK = ("health_check interval=%dms fails=%d passes=%d timeout=300ms;" %
         (INTERVAL * 1000, FAILS, PASSES))


def verbose(message):
    if os.environ.get("YOKE_IT_VERBOSE"):
        print("\n" + message)


class HealthCheckTest(YokeTestCase):

    TEST_TIMEOUT = 90

    def start_backends(self, names=("a", "b", "c")):
        # One process per backend, so that one can be killed and started again on its port.
        return {name: self.start_demo(name) for name in names}

    def start_proxy(self, servers, check=CHECK, location_extra="", policy=""):
        port = free_port()
        location = "    location / { proxy_pass http://app; %s }\n" % location_extra
        # max_fails=0: passive health stays out of the way, so what is measured is the active
        # checks' doing.
        config = make_config(port, location, upstreams=upstream_block(
            "app", ["%s max_fails=0" % s for s in servers], "%s\n    %s" % (check, policy)))
        return self.start_yoke(config, port), port

    def load(self, port):
        load = SteadyLoad(port)
        self.addCleanup(load.stop)
        return load

    @staticmethod
    def down_line(address):
        return '%s (%s) of upstream "app" is down' % (address, address)

    @staticmethod
    def up_line(address):
        return '%s (%s) of upstream "app" is up (was down)' % (address, address)

    def test_killed_backend_is_marked_down_without_failed_requests_and_comes_back(self):
        demos = self.start_backends()
        addresses = {name: demo.address(name) for name, demo in demos.items()}
        yoke, port = self.start_proxy(addresses.values())
        load = self.load(port)
        time.sleep(T(1))
        self.assertEqual(set(load.counts()), {"a", "b", "c"})

        killed_port = demos["b"].port("b")
        demos["b"].kill()
        killed_at = time.monotonic()
        seen = wait_for_log(yoke, self.down_line(addresses["b"]), T(10))
        self.assertIsNotNone(seen, yoke.diagnostics())
        detection = seen - killed_at
        verbose("killed backend marked down after %.2f s" % detection)
        self.assertLessEqual(detection, INTERVAL * FAILS + 1)

        time.sleep(T(1))
        restarted = self.start_demo("b", ports={"b": killed_port})
        restarted_at = load.now()
        seen = wait_for_log(yoke, self.up_line(addresses["b"]), T(10))
        self.assertIsNotNone(seen, yoke.diagnostics())
        time.sleep(T(0.5))
        load.stop()
        back = load.first_answer_from("b", restarted_at)
        self.assertIsNotNone(back, load.counts(restarted_at))
        verbose("restarted backend answered again after %.2f s" % (back - restarted_at))
        # Up only after `passes` checks: the first can come at once, the second an interval
        # later.
        self.assertGreaterEqual(back - restarted_at, INTERVAL * (PASSES - 1) - 0.1)
        self.assertLessEqual(back - restarted_at, INTERVAL * PASSES + 1)
        self.assertEqual(load.failures(), [])
        self.assertGreater(restarted.requests("b"), 0)

    def test_backend_whose_health_fails_is_taken_out_while_other_paths_work(self):
        demos = self.start_backends()
        addresses = {name: demo.address(name) for name, demo in demos.items()}
        yoke, port = self.start_proxy(addresses.values())
        load = self.load(port)
        time.sleep(T(1))
        demos["c"].control("c", "health=fail")
        failed_at = time.monotonic()
        seen = wait_for_log(yoke, self.down_line(addresses["c"]), T(10))
        self.assertIsNotNone(seen, yoke.diagnostics())
        self.assertLessEqual(seen - failed_at, INTERVAL * FAILS + 1)
        out_from = load.now() + 0.1  # answers already on their way may still arrive
        time.sleep(T(1.5))
        counts = load.counts(out_from)
        self.assertEqual(counts["c"], 0, counts)
        self.assertGreater(counts["a"], 20, counts)
        demos["c"].control("c", "health=ok")
        self.assertIsNotNone(wait_for_log(yoke, self.up_line(addresses["c"]), T(10)))
        time.sleep(T(0.5))
        load.stop()
        self.assertGreater(load.counts(load.now() - 0.4)["c"], 0)
        self.assertEqual(load.failures(), [])

    def test_backend_that_never_answers_is_taken_out_by_the_timeout(self):
        demos = self.start_backends()
        addresses = {name: demo.address(name) for name, demo in demos.items()}
        # A hung request is retried elsewhere after proxy_read_timeout (nginx's `timeout`
        # condition of proxy_next_upstream).
        yoke, port = self.start_proxy(addresses.values(), location_extra="proxy_read_timeout 1s;")
        load = self.load(port)
        time.sleep(T(1))
        demos["a"].control("a", "hang=1")
        hung_at = time.monotonic()
        seen = wait_for_log(yoke, self.down_line(addresses["a"]), T(10))
        self.assertIsNotNone(seen, yoke.diagnostics())
        detection = seen - hung_at
        verbose("hung backend marked down after %.2f s" % detection)
        # Each check waits its 300 ms timeout; checks start an interval apart.
        self.assertLessEqual(detection, INTERVAL * FAILS + 0.3 + 1)
        time.sleep(T(1.5))  # requests hung before that are retried after their 1 s timeout
        out_from = load.now()
        time.sleep(T(1))
        load.stop()
        self.assertEqual(load.counts(out_from)["a"], 0, load.counts(out_from))
        self.assertEqual(load.failures(), [])

    def test_mandatory_servers_wait_for_a_first_pass(self):
        demos = self.start_backends(("a", "b"))
        demos["b"].control("b", "health=fail")
        check = "health_check interval=300ms fails=1 passes=1 mandatory;"
        yoke, port = self.start_proxy([d.address(n) for n, d in demos.items()], check=check)
        load = self.load(port)
        time.sleep(T(1.5))
        load.stop()
        counts = load.counts()
        self.assertEqual(counts["b"], 0, counts)
        self.assertGreater(counts["a"], 20, counts)
        self.assertIn("is down (was checking)", yoke.error_log)
        # Only the first requests, sent before a's first check passed, can have found no server.
        self.assertLessEqual(len(load.failures()), 4, load.failures())

    def test_backups_serve_when_every_primary_is_down(self):
        demos = self.start_backends(("a", "b", "z"))
        servers = [demos["a"].address("a"), demos["b"].address("b"),
                   demos["z"].address("z") + " backup"]
        yoke, port = self.start_proxy(servers)
        load = self.load(port)
        time.sleep(T(1))
        for name in ("a", "b"):
            demos[name].control(name, "health=fail")
        for name in ("a", "b"):
            address = demos[name].address(name)
            self.assertIsNotNone(wait_for_log(yoke, self.down_line(address), T(10)))
        out_from = load.now() + 0.1
        time.sleep(T(1))
        load.stop()
        counts = load.counts(out_from)
        self.assertEqual(set(counts), {"z"}, counts)
        self.assertEqual(load.failures(), [])

    def test_bad_health_check_config_is_reported_where_it_is(self):
        cases = (
            ("health_check match=nope;", 'unknown match "nope"'),
            ("health_check interval=soon;", 'invalid value "soon" in "health_check"'),
            ("health_check port=70000;", 'invalid value "70000" in "health_check"'),
        )
        directory = tempfile.mkdtemp(prefix="yoke-it-")
        self.addCleanup(shutil.rmtree, directory, True)
        for directive, message in cases:
            with self.subTest(directive=directive):
                config = ("http {\n  server { listen 127.0.0.1:1; location / { proxy_pass "
                          "http://app; } }\n" + upstream_block("app", ["127.0.0.1:1"], directive) +
                          "}\n")
                path = os.path.join(directory, "yoke.conf")
                with open(path, "w") as f:
                    f.write(config)
                result = run_yoke_cli(["-t", "-c", path])
                self.assertNotEqual(result.returncode, 0)
                line = config.splitlines().index("    %s" % directive) + 1
                column = 4 + directive.index("=") + 2
                self.assertIn("%s:%d:%d: %s" % (path, line, column, message), result.stderr)
