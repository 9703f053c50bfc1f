"""Which backend answers: round robin, weights, backup servers, retries, upstream keep-alive."""

import collections

from harness import (HttpSession, YokeTestCase, free_port, http_request, make_config,
                     upstream_block)


def proxy_locations(extra=""):
    return "    location / { proxy_pass http://app; %s }\n" % extra


class BalancingTest(YokeTestCase):

    def start_proxy(self, servers, upstream_extra="", location_extra=""):
        port = free_port()
        config = make_config(port, proxy_locations(location_extra),
                             upstreams=upstream_block("app", servers, upstream_extra))
        self.yoke = self.start_yoke(config, port)
        return port

    def names_answering(self, port, count, session=True):
        """Sends `count` GETs (one keep-alive connection, or one connection each) and returns
        the backend names in order; every response must be 200 with a matching X-Backend."""
        names = []
        with HttpSession(port) as keep_alive:
            for i in range(count):
                if session:
                    status, headers, body = keep_alive.request("/r%d" % i)
                else:
                    status, headers, body = http_request(port, "/r%d" % i)
                self.assertEqual(status, 200, "request %d: %r%s" % (i, body,
                                                                   self.yoke.diagnostics()))
                name = body.decode().strip()
                self.assertEqual(headers["X-Backend"], name)
                names.append(name)
        return names

    def test_round_robin_visits_every_backend_in_turn(self):
        demo = self.start_demo("a", "b", "c")
        port = self.start_proxy([demo.address(n) for n in ("a", "b", "c")])
        names = self.names_answering(port, 12)
        self.assertEqual(sorted(names[:3]), ["a", "b", "c"], names)
        for i in range(3, 12):
            self.assertEqual(names[i], names[i - 3], "not a fixed rotation: %s" % names)
        self.assertEqual([demo.requests(n) for n in ("a", "b", "c")], [4, 4, 4])

    def test_round_robin_across_client_connections(self):
        demo = self.start_demo("a", "b", "c")
        port = self.start_proxy([demo.address(n) for n in ("a", "b", "c")])
        names = self.names_answering(port, 9, session=False)
        self.assertEqual(collections.Counter(names), {"a": 3, "b": 3, "c": 3}, names)

    def test_weights_three_to_two_split_exactly(self):
        demo = self.start_demo("heavy", "light")
        port = self.start_proxy(["%s weight=3" % demo.address("heavy"),
                                 "%s weight=2" % demo.address("light")])
        names = self.names_answering(port, 50)
        self.assertEqual(collections.Counter(names), {"heavy": 30, "light": 20})
        # Smooth weighted round robin (nginx) interleaves: never three "heavy" in a row.
        self.assertNotIn("heavy,heavy,heavy", ",".join(names))
        self.assertEqual((demo.requests("heavy"), demo.requests("light")), (30, 20))

    def test_backup_unused_while_any_primary_lives(self):
        primaries = self.start_demo("p1")
        backup = self.start_demo("backup")
        dead = free_port()
        port = self.start_proxy([primaries.address("p1"), "127.0.0.1:%d" % dead,
                                 "%s backup" % backup.address("backup")])
        names = self.names_answering(port, 20)
        self.assertEqual(set(names), {"p1"}, names)
        self.assertEqual(backup.requests("backup"), 0)

    def test_backup_takes_over_only_when_both_primaries_die(self):
        primaries = self.start_demo("p1", "p2")
        backup = self.start_demo("backup")
        port = self.start_proxy([primaries.address("p1"), primaries.address("p2"),
                                 "%s backup" % backup.address("backup")])
        before = self.names_answering(port, 20)
        self.assertEqual(collections.Counter(before), {"p1": 10, "p2": 10})
        self.assertEqual(backup.requests("backup"), 0)

        primaries.kill()
        after = self.names_answering(port, 20)
        self.assertEqual(set(after), {"backup"}, after)
        self.assertEqual(backup.requests("backup"), 20)

    def test_backup_serves_when_primaries_never_listened(self):
        backup = self.start_demo("backup")
        port = self.start_proxy(["127.0.0.1:%d" % free_port(), "127.0.0.1:%d" % free_port(),
                                 "%s backup" % backup.address("backup")])
        self.assertEqual(set(self.names_answering(port, 10, session=False)), {"backup"})

    def test_dead_server_is_retried_on_a_live_one(self):
        demo = self.start_demo("live")
        port = self.start_proxy(["127.0.0.1:%d" % free_port(), demo.address("live")],
                                location_extra="proxy_next_upstream error timeout;")
        names = self.names_answering(port, 20, session=False)
        self.assertEqual(names, ["live"] * 20)
        self.assertEqual(demo.requests("live"), 20)

    def test_upstream_keepalive_reuses_connections(self):
        demo = self.start_demo("a", "b")
        port = self.start_proxy([demo.address("a"), demo.address("b")],
                                upstream_extra="keepalive 16;")
        for client in range(4):
            with HttpSession(port) as session:
                for i in range(50):
                    status, _, _ = session.request("/c%d/%d" % (client, i))
                    self.assertEqual(status, 200)
        stats = [demo.stats(n) for n in ("a", "b")]
        self.assertEqual(sum(s["requests"] for s in stats), 200)
        connections = sum(s["connections"] for s in stats)
        self.assertLessEqual(connections, 10, "backends saw %d connections for 200 requests"
                             % connections)
