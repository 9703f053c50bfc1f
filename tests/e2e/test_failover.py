"""Two Yoke nodes share a virtual IP through keepalived (deploy/keepalived/); a client sends a
steady load to the VIP while the active node fails in four ways. Each case reports how long the
address took to move (keepalived's notify hook timestamps) and what the client saw (failed
requests, requests in flight at the fault, the longest time without a successful answer).
YOKE_E2E_VERBOSE=1 prints the figures (docs/cluster.md records them)."""

import os
import time
import unittest

from cluster import (Keepalived, YokeNode, collect_load, outage, start_backends, start_load,
                     yoke_config)
from netlab import NetLab

VIP = "10.77.0.100"
WARM_UP = 1.5     # seconds of load before the fault
AFTER = 3.5       # seconds of load after it
DRAIN_GRACE = 2   # drain_grace of the nodes, seconds


def report(name, figures):
    if os.environ.get("YOKE_E2E_VERBOSE"):
        print("\n%s: %s" % (name, ", ".join("%s=%s" % kv for kv in sorted(figures.items()))))


class FailoverTest(unittest.TestCase):
    def setUp(self):
        self.lab = NetLab(keep_dir=bool(os.environ.get("YOKE_E2E_KEEP")))
        self.addCleanup(self.lab.close)
        self.backends = start_backends(self.lab, ["b1", "b2", "b3"])
        self.nodes, self.keepaliveds = [], []
        for name, priority in (("lb-a", 150), ("lb-b", 100)):
            node = YokeNode(self.lab.host(name), lambda d: yoke_config(
                d, VIP, self.backends, extra_main="drain_grace %ds;\n" % DRAIN_GRACE))
            node.start()
            self.nodes.append(node)
            self.keepaliveds.append(Keepalived(node, VIP, priority))
        self.client = self.lab.host("client")
        self.active, self.standby = self.nodes
        self.active_ka, self.standby_ka = self.keepaliveds
        # The first node takes the address, then the second joins as backup (no preemption).
        self.active_ka.start()
        self.active_ka.wait_state("MASTER")
        self.standby_ka.start()
        self.standby_ka.wait_state("BACKUP")
        self.addCleanup(self._diagnostics)

    def _diagnostics(self):
        if hasattr(self, "_outcome") and any(e for _, e in getattr(self._outcome, "errors", [])):
            for node, ka in zip(self.nodes, self.keepaliveds):
                print("\n--- %s yoke\n%s\n--- keepalived\n%s" % (node.host.name, node.error_log(),
                                                               ka.log()))

    def failover(self, name, fault):
        """Runs the load, applies fault(), and checks that the standby took over and served."""
        load = start_load(self.client, "http://%s/" % VIP, WARM_UP + AFTER)
        time.sleep(WARM_UP)
        before = self.standby.requests_served()
        fault_at = time.time()
        fault()
        records = collect_load(load)
        master_at = self.standby_ka.first("MASTER", fault_at)
        self.assertIsNotNone(master_at, "the standby never became MASTER: %s" %
                             self.standby_ka.transitions())
        figures = outage(records, fault_at, master_at)
        figures["vip_moved_s"] = round(master_at - fault_at, 3)
        report(name, figures)
        # Every request started a second after the move was answered, by the standby.
        late = [r for r in records if r["start"] >= master_at + 1.0]
        self.assertGreater(len(late), 20, figures)
        self.assertEqual([r for r in late if not r["ok"]], [], figures)
        self.assertGreater(self.standby.requests_served() - before, len(late) * 0.9, figures)
        self.assertTrue(all(r["body"] in ("b1", "b2", "b3") for r in records if r["ok"]))
        return figures

    def test_link_down(self):
        figures = self.failover("link down", self.active.host.link_down)
        # VRRPv3 at advert_int 0.1: the backup's master-down timer is ~0.3–0.4 s.
        self.assertLess(figures["vip_moved_s"], 1.0, figures)
        # Only requests caught on the lost link may fail; new connections wait for a SYN
        # retransmission (1 s) and then reach the standby.
        self.assertLessEqual(figures["failed"], figures["in_flight_at_fault"], figures)

    def test_yoke_killed(self):
        figures = self.failover("yoke killed", lambda: self.active.process.kill())
        # The next check (each second) is refused; then one advert. Until then new connections
        # to the active node are refused: those are the failures, none after the move.
        self.assertLess(figures["vip_moved_s"], 1.8, figures)
        self.assertEqual(figures["failed_after_move"], 0, figures)

    def test_health_endpoint_fails(self):
        def every_server_down():
            for index in range(len(self.backends)):
                status, body = self.active.admin("/api/v1/upstreams/app/servers/%d" % index,
                                                 method="PATCH", body='{"down": true}')
                self.assertEqual(status, 200, body)
            self.assertEqual(self.active.healthz()[0], 503)

        figures = self.failover("health endpoint fails", every_server_down)
        # vrrp_script runs each second (keepalived 2.2.7 takes whole seconds), one failure is
        # enough; the move then takes one advert. Until then the active node answers 503 (no
        # server): those are the failures, none after the move.
        self.assertLess(figures["vip_moved_s"], 2.5, figures)
        self.assertEqual(figures["failed_after_move"], 0, figures)

    def test_planned_drain(self):
        figures = self.failover("yoke -s drain", lambda: self.active.signal("drain"))
        self.assertLess(figures["vip_moved_s"], 2.5, figures)
        # The drained node keeps serving until the address has gone, with Connection: close,
        # so only a request caught mid-exchange by the move itself can fail: its connection
        # lives on the drained node, and the client's packets now reach the standby.
        self.assertLessEqual(figures["failed"], figures["in_flight_at_move"], figures)
        self.assertEqual(figures["failed_after_move"], 0, figures)
        # After drain_grace it stops by itself, gracefully.
        self.assertEqual(self.active.process.wait(DRAIN_GRACE + 10), 0, self.active.error_log())
        self.assertIn("drain: grace over, graceful stop", self.active.error_log())


class ActiveActiveTest(unittest.TestCase):
    """Two nodes, each its own address (active/active behind DNS), with `hash … consistent` or
    `hash … maglev`: the same key reaches the same backend through either node, without the
    nodes talking to each other."""

    def same_key_same_backend(self, method):
        with NetLab() as lab:
            backends = start_backends(lab, ["b1", "b2", "b3"])
            nodes = []
            for name in ("lb-a", "lb-b"):
                host = lab.host(name)
                node = YokeNode(host, lambda d, h=host: yoke_config(
                    d, h.address, backends, upstream_extra="    hash $arg_user %s;\n" % method))
                node.start()
                nodes.append(node)
            client = lab.host("client")
            picks = {}
            for user in range(40):
                seen = set()
                for node in nodes:
                    result = client.run(["curl", "--silent", "--max-time", "2",
                                         "http://%s/?user=u%d" % (node.host.address, user)])
                    seen.add(result.stdout.strip())
                self.assertEqual(len(seen), 1, "%s, user u%d: %s" % (method, user, seen))
                picks[user] = seen.pop()
            # The keys spread: every backend gets some.
            self.assertEqual(set(picks.values()), {"b1", "b2", "b3"}, method)

    def test_consistent(self):
        self.same_key_same_backend("consistent")

    def test_maglev(self):
        self.same_key_same_backend("maglev")


if __name__ == "__main__":
    unittest.main()
