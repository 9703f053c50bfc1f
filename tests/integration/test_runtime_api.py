"""The admin API's runtime changes (docs/admin-api.md) with the real `yoke` (two workers) and
real demo backends, under a steady load: draining a server stops new requests to it as soon as
the PATCH returns, with zero failed requests; un-draining, or an active health check passing
again, brings it back along its slow_start ramp; a weight change shifts the shares; bad input gets a JSON 4xx naming the field and changes
nothing; the token is required."""

import json
import os
import socket
import time

from harness import T, HttpSession, YokeTestCase, free_port, http_request
from steady_load import SteadyLoad

TOKEN = "api-token_7"
AUTH = {"Authorization": "Bearer " + TOKEN}
NAMES = ("a", "b", "c")
# Stretched with the windows measured in it (T), so "the first second" stays the ramp's first
# quarter under a sanitizer build too.
SLOW_START = T(4.0)  # seconds


class SentLoad(SteadyLoad):
    """SteadyLoad that also remembers when each answered request was sent, so a test can tell
    requests sent after an API call returned from those already on their way."""

    def __init__(self, port, clients=4):
        self.sent = []  # (sent at, backend)
        super().__init__(port, clients=clients)

    def _run(self, client):
        session = HttpSession(self.port, timeout=T(10))
        count = 0
        while not self.stop_event.is_set() and count < self.max_requests:
            count += 1
            sent_at = self.now()
            try:
                status, headers, _ = session.request("/load/%d/%d" % (client, count))
            except Exception as error:  # counted as a failed request; reconnect and go on
                with self.lock:
                    self.errors.append((self.now(), repr(error)))
                session.close()
                session = HttpSession(self.port, timeout=T(10))
                continue
            with self.lock:
                self.records.append((self.now(), headers.get("X-Backend"), status))
                self.sent.append((sent_at, headers.get("X-Backend")))
            self.stop_event.wait(self.pause)
        session.close()

    def sent_after(self, name, after):
        with self.lock:
            return sum(1 for at, backend in self.sent if backend == name and at >= after)


class RuntimeApiTest(YokeTestCase):

    TEST_TIMEOUT = 120

    def setUp(self):
        super().setUp()
        self.dir = self.admin_token_dir("runtime-api", TOKEN)

    def start_proxy(self, demo, health_check=""):
        port, self.admin = free_port(), free_port()
        self.yoke_port = port
        servers = "".join("    server %s slow_start=%ds;\n" % (demo.address(n), SLOW_START)
                          for n in NAMES) + health_check
        config = """worker_processes 2;
error_log @ERRLOG@ info;
admin { listen 127.0.0.1:%d; token_file %s/token; }
http {
  upstream app {
%s  }
  upstream hashed { hash $request_uri consistent; server %s; server %s; }
  server {
    listen 127.0.0.1:%d;
    location / { proxy_pass http://app; }
    location /hashed/ { proxy_pass http://hashed; }
  }
}
""" % (self.admin, self.dir, servers, demo.address("a"), demo.address("b"), port)
        return self.start_yoke(config, port), port

    def api(self, method, path, body=None, headers=None, raw=None):
        """(status, parsed JSON or raw bytes) of one admin API request."""
        headers = dict(AUTH if headers is None else headers)
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        status, response_headers, payload = http_request(self.admin, path, method=method,
                                                         headers=headers, body=data)
        if response_headers.get("Content-Type") == "application/json":
            return status, json.loads(payload)
        return status, payload

    def server(self, demo, name):
        status, body = self.api("GET", "/api/v1/upstreams/app/servers/" + demo.address(name))
        self.assertEqual(status, 200, body)
        return body

    def patch(self, demo, name, change):
        status, body = self.api("PATCH", "/api/v1/upstreams/app/servers/" + demo.address(name),
                                change)
        self.assertEqual(status, 200, body)
        return body

    def window(self, load, seconds):
        start = load.now()
        time.sleep(seconds)
        return load.counts(start, load.now())

    @staticmethod
    def share(counts, name):
        return counts[name] / max(1, sum(counts.values()))

    def test_drain_stops_new_requests_and_undrain_ramps_back(self):
        demo = self.start_demo(*NAMES)
        self.start_proxy(demo)
        load = SentLoad(self.yoke_port)
        self.addCleanup(load.stop)
        time.sleep(T(0.5))
        self.assertGreater(self.window(load, T(1))["a"], 10)

        drained = self.patch(demo, "a", {"drain": True})
        returned = load.now()
        self.assertEqual((drained["state"], drained["drain"]), ("draining", True))
        time.sleep(T(1.5))
        self.assertEqual(load.sent_after("a", returned), 0)
        self.assertGreater(load.sent_after("b", returned), 20)
        if os.environ.get("YOKE_IT_VERBOSE"):
            print("\ndrained: %d requests sent in the next 1.5 s, %d of them to a" %
                  (sum(load.sent_after(n, returned) for n in NAMES), load.sent_after("a", returned)))
        self.assertEqual(self.server(demo, "a")["active_requests"], 0)

        undrained = self.patch(demo, "a", {"drain": False})
        self.assertEqual(undrained["state"], "up")
        self.assertLess(undrained["effective_weight"], 0.2)
        early = self.window(load, T(1))
        time.sleep(max(0, SLOW_START - T(1)))
        self.assertEqual(self.server(demo, "a")["effective_weight"], 1)
        late = self.window(load, T(1.5))
        load.stop()
        if os.environ.get("YOKE_IT_VERBOSE"):
            print("\nshare of a: first second of slow_start %.3f, after it %.3f" %
                  (self.share(early, "a"), self.share(late, "a")))
        # Over the first quarter of the ramp a's weight averages 1/8 of b's: about 6 %.
        self.assertGreater(early["a"], 0)
        self.assertLess(self.share(early, "a"), 0.15, early)
        self.assertAlmostEqual(self.share(late, "a"), 1 / 3, delta=0.06)
        self.assertEqual(load.failures(), [])

    def test_health_recovery_ramps_with_slow_start(self):
        demo = self.start_demo(*NAMES)
        self.start_proxy(demo, "    health_check interval=200ms fails=1 passes=1 timeout=500ms;\n")
        load = SentLoad(self.yoke_port)
        self.addCleanup(load.stop)
        time.sleep(T(0.5))
        demo.control("a", "health=fail")
        deadline = time.monotonic() + T(5)
        while self.server(demo, "a")["state"] != "down" and time.monotonic() < deadline:
            time.sleep(0.05)
        checked = self.server(demo, "a")
        self.assertEqual((checked["state"], checked["last_check"]), ("down", "failed"))
        demo.control("a", "health=ok")
        while self.server(demo, "a")["state"] != "up" and time.monotonic() < deadline + T(5):
            time.sleep(0.02)
        back = self.server(demo, "a")
        self.assertEqual((back["state"], back["last_check"]), ("up", "passed"))
        self.assertLess(back["effective_weight"], 0.3)
        early = self.window(load, T(1))
        time.sleep(max(0, SLOW_START - T(1)))
        late = self.window(load, T(1.5))
        load.stop()
        if os.environ.get("YOKE_IT_VERBOSE"):
            print("\nshare of a after its health check passed again: first second %.3f, "
                  "after slow_start %.3f" % (self.share(early, "a"), self.share(late, "a")))
        self.assertGreater(early["a"], 0)
        self.assertLess(self.share(early, "a"), 0.15, early)
        self.assertAlmostEqual(self.share(late, "a"), 1 / 3, delta=0.06)
        self.assertEqual(load.failures(), [])

    def test_weight_and_down_apply_at_once(self):
        demo = self.start_demo(*NAMES)
        self.start_proxy(demo)
        load = SentLoad(self.yoke_port)
        self.addCleanup(load.stop)
        time.sleep(T(0.5))
        server = self.patch(demo, "a", {"weight": 4})
        self.assertEqual((server["weight"], server["admin_weight"], server["effective_weight"]),
                         (1, 4, 4))
        heavy = self.window(load, T(2))
        if os.environ.get("YOKE_IT_VERBOSE"):
            print("\nshare of a at weight 4 of 6: %.3f" % self.share(heavy, "a"))
        self.assertAlmostEqual(self.share(heavy, "a"), 4 / 6, delta=0.06)
        self.patch(demo, "a", {"weight": None})
        even = self.window(load, T(1.5))
        self.assertAlmostEqual(self.share(even, "a"), 1 / 3, delta=0.06)
        down = self.patch(demo, "b", {"down": True})
        returned = load.now()
        self.assertEqual((down["state"], down["down"]), ("down", True))
        time.sleep(T(1))
        self.assertEqual(load.sent_after("b", returned), 0)
        load.stop()
        self.assertEqual(load.failures(), [])

    def test_listing(self):
        demo = self.start_demo(*NAMES)
        self.start_proxy(demo)
        status, body = self.api("GET", "/api/v1/upstreams")
        self.assertEqual(status, 200)
        names = [u["name"] for u in body["upstreams"]]
        self.assertEqual(names[:2], ["app", "hashed"])
        app = body["upstreams"][0]
        self.assertEqual(app["policy"], "round_robin")
        self.assertEqual([s["address"] for s in app["servers"]], [demo.address(n) for n in NAMES])
        first = app["servers"][0]
        for field, expected in (("id", 0), ("state", "up"), ("weight", 1), ("admin_weight", None),
                                ("effective_weight", 1), ("backup", False), ("down", False),
                                ("drain", False), ("active_requests", 0), ("health", "up"),
                                ("last_check", None), ("slow_start_ms", SLOW_START * 1000)):
            self.assertEqual(first[field], expected, field)
        status, one = self.api("GET", "/api/v1/upstreams/app")
        self.assertEqual((status, one), (200, app))
        self.assertEqual(self.api("GET", "/api/v1/upstreams/app/servers/2")[1]["address"],
                         demo.address("c"))
        # HEAD answers GET's head.
        status, _, payload = http_request(self.admin, "/api/v1/upstreams", method="HEAD",
                                          headers=AUTH)
        self.assertEqual((status, payload), (200, b""))

    def assert_error(self, response, status, field):
        self.assertEqual(response[0], status, response)
        body = response[1]
        self.assertEqual((body["status"], body["field"]), (status, field), body)
        self.assertTrue(body["error"])

    def test_bad_input_changes_nothing(self):
        demo = self.start_demo(*NAMES)
        self.start_proxy(demo)
        before = self.api("GET", "/api/v1/upstreams")[1]
        path = "/api/v1/upstreams/app/servers/0"
        self.assert_error(self.api("PATCH", "/api/v1/upstreams/nope/servers/0", {"drain": True}),
                          404, None)
        self.assert_error(self.api("GET", "/api/v1/upstreams/nope"), 404, None)
        self.assert_error(self.api("PATCH", "/api/v1/upstreams/app/servers/3", {"drain": True}),
                          404, None)
        self.assert_error(self.api("PATCH", "/api/v1/upstreams/app/servers/127.0.0.1:1",
                                   {"drain": True}), 404, None)
        self.assert_error(self.api("PATCH", path, raw='{"drain": tru'), 400, None)
        self.assert_error(self.api("PATCH", path, raw='[]'), 400, None)
        self.assert_error(self.api("PATCH", path, {}), 400, None)
        self.assert_error(self.api("PATCH", path, {"drain": "yes"}), 400, "drain")
        self.assert_error(self.api("PATCH", path, {"down": True, "weight": -1}), 400, "weight")
        self.assert_error(self.api("PATCH", path, {"weight": 2.5}), 400, "weight")
        self.assert_error(self.api("PATCH", path, {"drain": True, "colour": "red"}), 400,
                          "colour")
        self.assert_error(self.api("PATCH", path, raw='{"drain": true}',
                                   headers=dict(AUTH, **{"Content-Type": "text/plain"})),
                          415, None)
        # hash builds its ring from the configured weights: weight changes need a reload.
        self.assert_error(self.api("PATCH", "/api/v1/upstreams/hashed/servers/0", {"weight": 3}),
                          409, "weight")
        # Bodies: at most 64 KiB, framed by Content-Length.
        status, _ = self.api("PATCH", path, raw='{"drain": true, "x": "%s"}' % ("y" * 70000))
        self.assertEqual(status, 413)
        self.assertEqual(self.chunked_patch(path), 411)
        # Token: required on every API path and method.
        status, _ = self.api("PATCH", path, {"drain": True}, headers={})
        self.assertEqual(status, 401)
        status, _ = self.api("GET", "/api/v1/upstreams", headers={"Authorization": "Bearer x"})
        self.assertEqual(status, 401)
        status, _ = self.api("PUT", path)
        self.assertEqual(status, 405)
        self.assertEqual(self.api("GET", "/api/v1/upstreams")[1], before)
        # The servers still serve.
        with HttpSession(self.yoke_port) as session:
            backends = {session.request("/x")[1].get("X-Backend") for _ in range(6)}
        self.assertEqual(backends, set(NAMES))

    def chunked_patch(self, path):
        with socket.create_connection(("127.0.0.1", self.admin), timeout=T(5)) as sock:
            sock.sendall(("PATCH %s HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer %s\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n5\r\n{}   \r\n0\r\n\r\n" %
                          (path, TOKEN)).encode())
            head = sock.recv(4096).decode("latin-1")
        return int(head.split(" ")[1])
