"""The balancing policies of issue 4 with the real `yoke` and real backends: least_conn follows
in-flight counts, least_time, ewma and adaptive leave a backend that becomes slow (or fails fast) within
seconds, hash keys keep a key on one server across requests and restarts, ip_hash groups
clients by /24, and the config check rejects what nginx rejects."""

import collections
import http.client
import os
import shutil
import tempfile
import threading
import time

from harness import (T, ConnectionClosed, HttpSession, YokeTestCase, build_request, free_port,
                     http_request, make_config, run_yoke_cli, upstream_block)

NAMES = ("a", "b", "c", "d")


class Load:
    """`clients` threads, each sending requests one after another over its own keep-alive
    connection until stopped; every answer is recorded as (seconds since start, backend, status).
    """

    def __init__(self, port, clients):
        self.port = port
        self.records = []
        self.errors = []
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.started = time.monotonic()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(clients)]
        for thread in self.threads:
            thread.start()

    def _run(self, client):
        session = HttpSession(self.port, timeout=T(10))
        try:
            count = 0
            while not self.stop_event.is_set() and count < 100000:
                count += 1
                status, headers, _ = session.request("/c%d/%d" % (client, count))
                with self.lock:
                    self.records.append((time.monotonic() - self.started,
                                         headers.get("X-Backend"), status))
        except Exception as error:  # recorded; the test asserts there were none
            with self.lock:
                self.errors.append(repr(error))
        finally:
            session.close()

    def stop(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(T(15))

    def counts(self, start=0.0, end=1e9):
        with self.lock:
            return collections.Counter(name for at, name, _ in self.records if start <= at < end)

    def share(self, name, start, end):
        counts = self.counts(start, end)
        total = sum(counts.values())
        return counts[name] / total if total else 0.0


class PoliciesTest(YokeTestCase):

    TEST_TIMEOUT = 90

    def start_proxy(self, demo, policy, servers=None, upstream_extra="keepalive 32;"):
        port = free_port()
        servers = servers or [demo.address(n) for n in demo.names]
        config = make_config(port, "    location / { proxy_pass http://app; }\n",
                             upstreams=upstream_block("app", servers,
                                                      "%s\n    %s" % (policy, upstream_extra)))
        return self.start_yoke(config, port), port, config

    def control(self, demo, name, query):
        status, _, body = http_request(demo.port(name), "/__control?" + query)
        self.assertEqual(status, 200, body)

    def run_load(self, port, clients, seconds, at=None, action=None):
        """Runs a load for `seconds`; calls action() once `at` seconds in."""
        load = Load(port, clients)
        self.addCleanup(load.stop)
        if action is not None:
            time.sleep(at)
            action()
            time.sleep(seconds - at)
        else:
            time.sleep(seconds)
        load.stop()
        self.assertEqual(load.errors, [])
        return load

    # ---------------------------------------------------------------------------------------
    # least_conn / least_pending: a slow backend holds requests, so it gets few new ones

    def test_least_conn_follows_in_flight_requests(self):
        for policy, slow_share_at_most in (("least_conn;", 0.1), ("least_pending;", 0.1),
                                           ("round_robin;", None)):
            with self.subTest(policy=policy):
                demo = self.start_demo("a", "b")
                self.control(demo, "a", "delay_ms=400")
                yoke, port, _ = self.start_proxy(demo, policy)
                load = self.run_load(port, 4, T(3))
                counts = load.counts()
                share = counts["a"] / sum(counts.values())
                if slow_share_at_most is None:
                    # The control: round robin ignores in-flight counts, so clients pile up on a
                    # and it answers about as many requests as b.
                    self.assertGreater(share, 0.3, counts)
                else:
                    # a takes a request only while it has no more in flight than b: about one
                    # per 400 ms delay, against hundreds on b.
                    self.assertLess(share, slow_share_at_most, counts)
                    self.assertGreater(counts["b"], 10 * counts["a"], counts)
                yoke.stop()
                demo.stop()

    def test_cut_short_exchanges_leave_no_request_in_flight(self):
        """A response that breaks off after its head must still end the request for the
        balancer, or least_conn (and max_conns, ewma's stall age) would count it forever."""
        backends = [self.start_py_backend(name) for name in ("a", "b")]
        port = free_port()
        config = make_config(port, "    location / { proxy_pass http://app; }\n",
                             upstreams=upstream_block("app", [b.address for b in backends],
                                                      "least_conn;"))
        yoke = self.start_yoke(config, port)
        for _ in range(3):
            client = self.raw_client(port, timeout=T(5))
            client.send(build_request("GET", "/close-mid"))
            try:
                client.read_response()
            except ConnectionClosed:
                pass  # the head and 10 of 1000 bytes, then the cut
            self.assertTrue(client.wait_closed(T(3)))
        names = [http_request(port, "/x")[1]["X-Backend"] for _ in range(10)]
        self.assertEqual(collections.Counter(names), {"a": 5, "b": 5},
                         "%s%s" % (names, yoke.diagnostics()))

    # ---------------------------------------------------------------------------------------
    # least_time / ewma: a backend that becomes slow loses its traffic within seconds

    def test_latency_policies_leave_a_backend_that_becomes_slow(self):
        for policy in ("least_time header;", "least_time last_byte inflight;", "ewma;",
                       "random two least_time=header;", "adaptive;"):
            with self.subTest(policy=policy):
                # Every backend takes 5 ms, as an API would: at loopback's sub-millisecond times
                # a single hiccup (a first connection, a scheduling delay) is a large relative
                # peak, and peak-sensitive estimates shun that backend for seconds.
                demo = self.start_demo(*NAMES, delay_ms=5)
                yoke, port, _ = self.start_proxy(demo, policy)
                slow_at = T(1.5)
                load = self.run_load(port, 8, slow_at + T(3.5), slow_at,
                                     lambda: self.control(demo, "a", "delay_ms=150"))
                before = load.share("a", 0.5, slow_at)
                after = load.share("a", slow_at + T(1.5), 1e9)
                # a had its part before (least_time is greedy: with equal backends the one
                # with the lowest average takes more, so "its part" is not exactly a quarter).
                self.assertGreater(before, 0.1, load.counts())
                if os.environ.get("YOKE_IT_VERBOSE"):
                    print("\n%s share of a: %.3f before, %.3f after" % (policy, before, after))
                self.assertLess(after, 0.05, "share of a: %.3f before, %.3f after; %s" %
                                (before, after, load.counts(slow_at, 1e9)))
                yoke.stop()
                demo.stop()

    def test_ewma_and_adaptive_leave_a_backend_that_fails_fast(self):
        for policy in ("ewma;", "adaptive;"):
            with self.subTest(policy=policy):
                self.check_leaves_a_backend_that_fails_fast(policy)

    def check_leaves_a_backend_that_fails_fast(self, policy):
        demo = self.start_demo(*NAMES)
        yoke, port, _ = self.start_proxy(demo, policy)
        # max_fails=0 on every server would be the fairer test of ewma alone; the default
        # (passive health) is what users run, and ewma must not undo it.
        fail_at = T(1)
        load = self.run_load(port, 8, fail_at + T(3), fail_at,
                             lambda: self.control(demo, "a", "fail=1"))
        with load.lock:
            failed = [r for r in load.records if r[2] == 500]
        after = load.share("a", fail_at + T(1), 1e9)
        self.assertLess(after, 0.05, load.counts(fail_at, 1e9))
        self.assertTrue(all(name == "a" for _, name, _ in failed))
        yoke.stop()
        demo.stop()

    # ---------------------------------------------------------------------------------------
    # hash: a key stays on its server across requests and restarts

    def keyed_backends(self, port, header, users):
        result = {}
        with HttpSession(port) as session:
            for user in users:
                value = ("session=%s; theme=dark" % user) if header == "Cookie" else user
                status, headers, _ = session.request("/k", headers={header: value})
                self.assertEqual(status, 200)
                result[user] = headers["X-Backend"]
        return result

    def test_hash_keys_stick_across_requests_and_restarts(self):
        demo = self.start_demo(*NAMES)
        users = ["user-%d" % i for i in range(60)]
        for policy, header in (("hash $http_x_user;", "X-User"),
                               ("hash $http_x_user consistent;", "X-User"),
                               ("hash $cookie_session maglev;", "Cookie"),
                               ("hash $cookie_session consistent balance_factor=1.25;",
                                "Cookie")):
            with self.subTest(policy=policy):
                yoke, port, _ = self.start_proxy(demo, policy)
                first = self.keyed_backends(port, header, users)
                self.assertEqual(self.keyed_backends(port, header, users), first)
                self.assertGreaterEqual(len(set(first.values())), 3, first)
                yoke.stop()
                yoke2, port2, _ = self.start_proxy(demo, policy)
                self.assertEqual(self.keyed_backends(port2, header, users), first)
                yoke2.stop()

    def test_consistent_hash_keeps_keys_when_a_server_goes(self):
        demo = self.start_demo(*NAMES)
        users = ["user-%d" % i for i in range(200)]
        for mode in ("consistent", "maglev"):
            with self.subTest(mode=mode):
                yoke, port, _ = self.start_proxy(demo, "hash $http_x_user %s;" % mode)
                before = self.keyed_backends(port, "X-User", users)
                yoke.stop()
                servers = [demo.address(n) for n in NAMES if n != "c"]
                yoke2, port2, _ = self.start_proxy(demo, "hash $http_x_user %s;" % mode,
                                                   servers=servers)
                after = self.keyed_backends(port2, "X-User", users)
                yoke2.stop()
                moved = [user for user in users
                         if before[user] != "c" and after[user] != before[user]]
                self.assertFalse([user for user in users if after[user] == "c"])
                # A ring (ketama) moves only the removed server's keys. Maglev promises minimal,
                # not zero, disruption (Eisenbud et al., NSDI 2016, §3.4): filling the table
                # anew may shift a few entries between survivors, and which ones depends on the
                # servers' addresses (kernel-picked ports here), so allow a few percent.
                allowed = 0 if mode == "consistent" else len(users) // 20
                self.assertLessEqual(len(moved), allowed, moved)

    # ---------------------------------------------------------------------------------------
    # ip_hash: one backend per client /24

    def from_address(self, port, source):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=T(5),
                                                source_address=(source, 0))
        try:
            connection.request("GET", "/ip")
            response = connection.getresponse()
            response.read()
            self.assertEqual(response.status, 200)
            return response.headers["X-Backend"]
        finally:
            connection.close()

    def test_ip_hash_groups_clients_by_24(self):
        demo = self.start_demo(*NAMES)
        yoke, port, _ = self.start_proxy(demo, "ip_hash;")
        by_network = {}
        for network in range(24):
            answers = {self.from_address(port, "127.0.%d.%d" % (network, host))
                       for host in (1, 77, 200, 254)}
            self.assertEqual(len(answers), 1, "127.0.%d.0/24 went to %s" % (network, answers))
            by_network[network] = answers.pop()
        # Different /24 networks spread over the backends.
        self.assertGreaterEqual(len(set(by_network.values())), 3, by_network)
        # And they stay put across a restart.
        yoke.stop()
        yoke2, port2, _ = self.start_proxy(demo, "ip_hash;")
        for network in range(0, 24, 5):
            self.assertEqual(self.from_address(port2, "127.0.%d.9" % network), by_network[network])

    def test_ip_hash_moves_only_the_clients_of_a_dead_server(self):
        demo = self.start_demo(*NAMES)
        yoke, port, _ = self.start_proxy(demo, "ip_hash;")
        before = {n: self.from_address(port, "127.0.%d.1" % n) for n in range(24)}
        dead = before[0]
        yoke.stop()
        servers = [demo.address(n) if n != dead else "127.0.0.1:%d" % free_port()
                   for n in NAMES]
        yoke2, port2, _ = self.start_proxy(demo, "ip_hash;", servers=servers,
                                           upstream_extra="")
        for network, name in before.items():
            answer = self.from_address(port2, "127.0.%d.1" % network)
            if name == dead:
                self.assertNotEqual(answer, dead)
            else:
                self.assertEqual(answer, name, network)

    # ---------------------------------------------------------------------------------------
    # random

    def test_random_two_reaches_every_backend(self):
        demo = self.start_demo(*NAMES)
        yoke, port, _ = self.start_proxy(demo, "random two;")
        load = self.run_load(port, 4, T(1))
        counts = load.counts()
        self.assertEqual(set(counts), set(NAMES), counts)
        total = sum(counts.values())
        for name in NAMES:
            self.assertGreater(counts[name], total / 10, counts)

    # ---------------------------------------------------------------------------------------
    # configuration check

    def test_config_check_rejects_what_the_policy_cannot_do(self):
        directory = tempfile.mkdtemp(prefix="yoke-it-")
        self.addCleanup(shutil.rmtree, directory, True)
        cases = (
            ("ip_hash;", "server 127.0.0.1:9 backup;",
             "yoke.conf:6:24: parameter \"backup\" is not supported by balancing policy "
             "\"ip_hash\" set at %s/yoke.conf:4:5, which has no backup servers"),
            ("least_pending;", "server 127.0.0.1:9 weight=2;",
             "yoke.conf:6:24: parameter \"weight=2\" is not supported by balancing policy "
             "\"least_pending\" set at %s/yoke.conf:4:5, which ignores weights"),
            ("hash $nope consistent;", "server 127.0.0.1:9;",
             "yoke.conf:4:10: unknown \"nope\" variable"),
        )
        for policy, server, expected in cases:
            with self.subTest(policy=policy):
                path = os.path.join(directory, "yoke.conf")
                with open(path, "w") as f:
                    f.write("http {\n  server { listen 127.0.0.1:1; location / { proxy_pass "
                            "http://app; } }\n  upstream app {\n    %s\n    server "
                            "127.0.0.1:8;\n    %s\n  }\n}\n" % (policy, server))
                result = run_yoke_cli(["-t", "-c", path])
                self.assertNotEqual(result.returncode, 0)
                message = expected % directory if "%s" in expected else expected
                self.assertIn(message, result.stderr)
