"""The node-level pieces of a redundant pair (docs/cluster.md) on loopback: GET /healthz's rule,
`yoke -s drain`, a graceful stop failing /healthz, and `listen … freebind`. The failover itself,
with keepalived in network namespaces, is tests/e2e/."""

import http.client
import os
import signal
import subprocess
import time

from harness import (T, Yoke, YokeTestCase, free_port, http_request, make_config,
                     run_yoke_cli, upstream_block)


def first_line(body):
    return body.split(b"\n", 1)[0]


class NodeHealthTest(YokeTestCase):
    def start_node(self, demo, extra_main=""):
        """Yoke with a pid file, an admin listener that wants a token (which /healthz must not
        need), and one upstream over demo's a and b."""
        port, admin = free_port(), free_port()
        config = make_config(
            port, "location / { proxy_pass http://app; }",
            upstreams=upstream_block("app", [demo.address("a"), demo.address("b")]),
            main_extra="pid @DIR@/yoke.pid;\nadmin { listen 127.0.0.1:%d; token_file @DIR@/t; }\n%s"
            % (admin, extra_main))
        yoke = Yoke(config, port)
        with open(os.path.join(yoke.dir, "t"), "w") as f:
            f.write("secret\n")
        self.addCleanup(yoke.cleanup)
        self._stoppers.append(yoke.cleanup)
        yoke.start()
        self.addCleanup(yoke.stop)
        return yoke, port, admin

    def test_healthz_follows_the_servers(self):
        demo = self.start_demo("a", "b")
        yoke, port, admin = self.start_node(demo)
        auth = {"Authorization": "Bearer secret"}
        status, _, body = http_request(admin, "/healthz")
        self.assertEqual((status, body),
                         (200, b"ok\nupstream app: 2 of 2 servers up\n"))
        for index in (0, 1):
            status, _, _ = http_request(admin, "/api/v1/upstreams/app/servers/%d" % index,
                                        method="PATCH", body=b'{"down": true}',
                                        headers=dict(auth, **{"Content-Type":
                                                              "application/json"}))
            self.assertEqual(status, 200)
            expected = 200 if index == 0 else 503
            self.assertEqual(http_request(admin, "/healthz")[0], expected)
        status, _, body = http_request(admin, "/healthz")
        self.assertEqual(first_line(body), b"unhealthy: no upstream has a server up")
        self.assertEqual(http_request(admin, "/healthz", method="HEAD")[0], 503)
        http_request(admin, "/api/v1/upstreams/app/servers/1", method="PATCH",
                     body=b'{"down": false}',
                     headers=dict(auth, **{"Content-Type": "application/json"}))
        self.assertEqual(http_request(admin, "/healthz")[0], 200)

    def test_drain_fails_healthz_serves_on_then_stops(self):
        demo = self.start_demo("a", "b")
        yoke, port, admin = self.start_node(demo, extra_main="drain_grace 2s;\n")
        keep_alive = http.client.HTTPConnection("127.0.0.1", port, timeout=T(5))
        self.addCleanup(keep_alive.close)
        keep_alive.request("GET", "/")
        response = keep_alive.getresponse()
        response.read()
        self.assertNotEqual(response.getheader("Connection"), "close")

        result = run_yoke_cli(["-s", "drain", "-c", yoke.config_path])
        self.assertEqual(result.returncode, 0, result.stderr)
        drained_at = time.monotonic()
        deadline = drained_at + T(2)
        while http_request(admin, "/healthz")[0] != 503 and time.monotonic() < deadline:
            time.sleep(0.02)
        status, _, body = http_request(admin, "/healthz")
        self.assertEqual((status, first_line(body)),
                         (503, b"draining: yoke -s drain was requested"))
        # Still serving: the open keep-alive connection gets its answer, with Connection: close,
        # and so does a new connection.
        keep_alive.request("GET", "/")
        response = keep_alive.getresponse()
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Connection"), "close")
        response.read()
        status, headers, body = http_request(port, "/")
        self.assertEqual((status, headers["Connection"]), (200, "close"))
        self.assertIsNone(yoke.process.poll())
        # After drain_grace (2 s) it stops gracefully by itself.
        self.assertEqual(yoke.process.wait(T(15)), 0)
        self.assertGreaterEqual(time.monotonic() - drained_at, 1.8)
        self.assertIn("drain: /healthz fails now; graceful stop in 2000 ms", yoke.error_log)
        self.assertIn("drain: grace over, graceful stop", yoke.error_log)

    def test_graceful_stop_fails_healthz(self):
        demo = self.start_demo("a", "b", delay_ms=1500)
        yoke, port, admin = self.start_node(demo)
        slow = http.client.HTTPConnection("127.0.0.1", port, timeout=T(10))
        self.addCleanup(slow.close)
        slow.request("GET", "/")  # in flight for 1.5 s: keeps the stop going
        time.sleep(0.3)
        yoke.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + T(1)
        status, body = 0, b""
        while time.monotonic() < deadline:
            status, _, body = http_request(admin, "/healthz")
            if status == 503:
                break
            time.sleep(0.02)
        self.assertEqual((status, first_line(body)),
                         (503, b"stopping: a graceful stop is in progress"))
        self.assertEqual(slow.getresponse().status, 200)
        self.assertEqual(yoke.process.wait(T(10)), 0)

    def test_drain_is_a_known_signal(self):
        result = run_yoke_cli(["-s", "bogus", "-c", "/nonexistent"])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("(reload, stop, quit, drain or upgrade)", result.stderr)


class FreebindTest(YokeTestCase):
    # 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never configured on this host.
    ABSENT = "192.0.2.77"

    def config(self, port, absent_port, freebind):
        return make_config(port, "location / { return 200 \"here\\n\"; }",
                           http_extra="  server { listen %s:%d%s; location / { return 204; } }"
                           % (self.ABSENT, absent_port, " freebind" if freebind else ""))

    def test_listen_on_an_absent_address(self):
        port, absent_port = free_port(), free_port()
        yoke = self.start_yoke(self.config(port, absent_port, True), port)
        self.assertEqual(http_request(port, "/")[0], 200)
        sockets = subprocess.run(["ss", "-ltnH", "src", self.ABSENT], capture_output=True,
                                 text=True, timeout=T(5)).stdout
        self.assertIn("%s:%d" % (self.ABSENT, absent_port), sockets)
        self.assertIsNone(yoke.process.poll())

    def test_without_freebind_the_bind_fails(self):
        port, absent_port = free_port(), free_port()
        yoke = Yoke(self.config(port, absent_port, False), port)
        self.addCleanup(yoke.cleanup)
        with open(yoke.config_path) as f:
            self.assertIn(self.ABSENT, f.read())
        result = run_yoke_cli(["-c", yoke.config_path])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("bind %s:%d: Cannot assign requested address" % (self.ABSENT, absent_port),
                      result.stderr)
