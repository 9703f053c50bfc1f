"""Limits checked at accept, before any byte is read: limit_accept (new connections per client
address, shared by the workers), listen … max_conns (open connections of an address across the
workers) and worker_connections, each counted in yoke_connections_rejected_total{reason}; and
the start-up check of RLIMIT_NOFILE."""

import resource
import socket
import time
import unittest

from harness import T, YokeTestCase, free_port, make_config, upstream_block
from security_helpers import metric, wait_until

REQUEST = b"GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"


def served(port, source="127.0.0.1"):
    """True when a request on a new connection is answered, False when the connection is
    closed or reset without an answer."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=T(5),
                                      source_address=(source, 0)) as client:
            client.sendall(REQUEST)
            return client.recv(100).startswith(b"HTTP/1.1 200")
    except (ConnectionResetError, BrokenPipeError):
        return False


def budget_lines(error_log, level):
    """Lines of the error log at level that report worker_connections clamped to the limit."""
    return sum(1 for line in error_log.splitlines()
               if "[%s]" % level in line and "RLIMIT_NOFILE allows" in line)


def open_idle(port, count):
    """count connections that send nothing (each holds a connection slot)."""
    sockets = []
    for _ in range(count):
        sockets.append(socket.create_connection(("127.0.0.1", port), timeout=T(5)))
    return sockets


class ConnectionLimitTest(YokeTestCase):

    def start(self, http_extra="", listen_extra="", workers=1, main_extra=""):
        demo = self.start_demo("a")
        port, admin = free_port(), free_port()
        config = make_config(port, "    location / { proxy_pass http://app; }\n",
                             upstreams=upstream_block("app", [demo.address("a")]),
                             http_extra=http_extra,
                             main_extra="admin { listen 127.0.0.1:%d; }\n%s" % (admin, main_extra))
        config = config.replace("listen 127.0.0.1:%d;" % port,
                                "listen 127.0.0.1:%d %s;" % (port, listen_extra))
        config = config.replace("worker_processes 1;", "worker_processes %d;" % workers)
        return self.start_yoke(config, port), port, admin

    def wait_idle(self, admin):
        """Until the harness's readiness probe (one connection) is accepted and closed, it holds
        a connection slot too."""
        self.assertTrue(wait_until(
            lambda: metric(admin, "yoke_client_connections_accepted_total") >= 1 and
            metric(admin, "yoke_client_connections_open") == 0, T(3)))

    def wait_open(self, admin, count):
        """Until count connections are accepted: workers accept in their own order, not the
        order the client connected in."""
        self.assertTrue(wait_until(
            lambda: metric(admin, "yoke_client_connections_open") == count, T(3)))

    def rejected(self, admin, reason):
        return metric(admin, "yoke_connections_rejected_total", 'reason="%s"' % reason)

    def test_limit_accept_per_client_address_across_workers(self):
        yoke, port, admin = self.start(
            http_extra="  limit_accept_zone zone=conn:1m rate=1r/m;\n"
                       "  limit_accept zone=conn burst=3;", workers=2)
        # The first connection and a burst of 3 pass; then one a minute, so none here. (From
        # 127.0.0.3: the harness's readiness probe came from 127.0.0.1.)
        results = [served(port, source="127.0.0.3") for _ in range(8)]
        self.assertEqual(results, [True] * 4 + [False] * 4, yoke.diagnostics())
        # Another client address has its own allowance.
        self.assertTrue(served(port, source="127.0.0.2"))
        self.assertTrue(wait_until(lambda: self.rejected(admin, "accept_rate") == 4, T(3)))
        self.assertIn("limit_accept exceeded", yoke.error_log)

    def test_max_conns_counts_the_address_across_workers(self):
        yoke, port, admin = self.start(listen_extra="max_conns=3",
                                       http_extra="  client_header_timeout 30s;", workers=2)
        self.wait_idle(admin)
        idle = open_idle(port, 3)
        self.addCleanup(lambda: [s.close() for s in idle])
        # Both workers together hold three: a fourth is refused whichever worker it reaches.
        self.wait_open(admin, 3)
        self.assertFalse(served(port))
        self.assertFalse(served(port))
        idle.pop().close()
        self.assertTrue(wait_until(lambda: served(port), T(3)), yoke.diagnostics())
        self.assertGreaterEqual(self.rejected(admin, "max_conns"), 2)
        self.assertIn("max_conns=3 reached", yoke.error_log)

    def test_worker_connections_refuses_early_and_counts(self):
        yoke, port, admin = self.start(main_extra="events { worker_connections 2; }",
                                       http_extra="  client_header_timeout 30s;")
        self.wait_idle(admin)
        idle = open_idle(port, 2)
        self.addCleanup(lambda: [s.close() for s in idle])
        self.wait_open(admin, 2)
        self.assertFalse(served(port))
        self.assertGreaterEqual(self.rejected(admin, "worker_connections"), 1)
        self.assertEqual(self.rejected(admin, "worker_connections"),
                         metric(admin, "yoke_client_connections_refused_total"))
        for sock in idle:
            sock.close()
        self.assertTrue(wait_until(lambda: served(port), T(3)))

    def test_listener_options_deferred_and_fastopen(self):
        yoke, port, _ = self.start(listen_extra="deferred fastopen=16 backlog=1024")
        self.assertTrue(served(port), yoke.diagnostics())

    def test_file_descriptor_budget_is_checked_at_start(self):
        # 2 workers × 1,000,000 connections cannot fit under this machine's hard limit.
        yoke, port, _ = self.start(main_extra="events { worker_connections 1000000; }", workers=2)
        self.assertTrue(served(port))
        self.assertIn("file descriptors", yoke.error_log)
        self.assertIn("RLIMIT_NOFILE allows", yoke.error_log)
        # A value the operator wrote and Yoke could not honour is a warning.
        self.assertEqual(budget_lines(yoke.error_log, "warn"), 1, yoke.error_log)

    def test_default_worker_connections_clamped_is_only_a_notice(self):
        # The default 16384 × 2 workers needs ~65,800 descriptors: on a machine whose hard limit
        # is lower (20,000 here) it is clamped on every start, which is not worth a warning.
        yoke, port, _ = self.start(workers=2)
        self.assertTrue(served(port))
        self.assertEqual(budget_lines(yoke.error_log, "warn"), 0, yoke.error_log)
        if resource.getrlimit(resource.RLIMIT_NOFILE)[1] < 2 * 16384 * 2 + 256:
            self.assertEqual(budget_lines(yoke.error_log, "notice"), 1, yoke.error_log)


if __name__ == "__main__":
    unittest.main()
