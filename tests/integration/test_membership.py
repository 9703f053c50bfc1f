"""Runtime membership (docs/admin-api.md, "Adding and removing servers") with the real `yoke`
(two workers) and real demo backends under a steady load: a server added with POST gets its
share; a server removed with DELETE gets no request sent after the answer and no request fails
(those in flight finish); with `state FILE;` the member list survives a reload and a restart,
without it the configuration wins at a reload; bad input gets a JSON 4xx naming the field and
changes nothing. YOKE_IT_VERBOSE=1 prints the time from POST to the first answer from the new
server."""

import json
import os
import signal
import time

from harness import T, HttpSession, Yoke, YokeTestCase, free_port, http_request
from test_runtime_api import SentLoad

TOKEN = "membership-token_5"
AUTH = {"Authorization": "Bearer " + TOKEN}
NAMES = ("a", "b", "c")


class MembershipTest(YokeTestCase):

    TEST_TIMEOUT = 120

    def setUp(self):
        super().setUp()
        self.dir = self.admin_token_dir("membership", TOKEN)
        self.state_path = os.path.join(self.dir, "app.state")
        self.port, self.admin = free_port(), free_port()

    def config(self, demo, members, state=False, extra=""):
        servers = "".join("    server %s;\n" % demo.address(n) for n in members)
        state_line = "    state %s;\n" % self.state_path if state else ""
        return """worker_processes 2;
error_log @ERRLOG@ info;
admin { listen 127.0.0.1:%d; token_file %s/token; }
http {
  upstream app {
%s%s  }
  upstream hashed { hash $request_uri consistent; server %s; }
  upstream single { server %s; }
  server {
    listen 127.0.0.1:%d;
    location / { proxy_pass http://app; }
    location /hashed/ { proxy_pass http://hashed; }
    location /single/ { proxy_pass http://single; }
    location /implicit/ { proxy_pass http://%s; }
  }
}
%s""" % (self.admin, self.dir, state_line, servers, demo.address("a"), demo.address("a"),
         self.port, demo.address("a"), extra)

    def api(self, method, path, body=None, headers=None, raw=None):
        """(status, parsed JSON or raw bytes, headers) of one admin API request."""
        headers = dict(AUTH if headers is None else headers)
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        status, response_headers, payload = http_request(self.admin, path, method=method,
                                                         headers=headers, body=data)
        if response_headers.get("Content-Type") == "application/json":
            return status, json.loads(payload), response_headers
        return status, payload, response_headers

    def addresses(self):
        status, body, _ = self.api("GET", "/api/v1/upstreams/app")
        self.assertEqual(status, 200, body)
        return [server["address"] for server in body["servers"]]

    def window(self, load, seconds):
        start = load.now()
        time.sleep(seconds)
        return load.counts(start, load.now())

    def test_post_adds_a_server_that_gets_its_share(self):
        demo = self.start_demo(*NAMES)
        self.start_yoke(self.config(demo, ("a", "b")), self.port)
        load = SentLoad(self.port)
        self.addCleanup(load.stop)
        time.sleep(T(0.5))
        self.assertEqual(self.window(load, T(0.5))["c"], 0)
        sent = load.now()
        status, body, headers = self.api("POST", "/api/v1/upstreams/app/servers",
                                         {"address": demo.address("c"), "weight": 1})
        returned = load.now()
        self.assertEqual(status, 201, body)
        self.assertEqual((body["address"], body["state"], body["id"]),
                         (demo.address("c"), "up", 2))
        self.assertEqual(headers.get("Location"),
                         "/api/v1/upstreams/app/servers/" + demo.address("c"))
        time.sleep(T(0.5))
        first = load.first_answer_from("c", sent)
        self.assertIsNotNone(first)
        shares = self.window(load, T(2))
        load.stop()
        total = sum(shares.values())
        if os.environ.get("YOKE_IT_VERBOSE"):
            print("\nPOST took %.1f ms; first answer from the new server %.1f ms after the POST "
                  "was sent, %.1f ms after it returned; its share then %.3f" %
                  ((returned - sent) * 1000, (first - sent) * 1000, (first - returned) * 1000,
                   shares["c"] / total))
        self.assertAlmostEqual(shares["c"] / total, 1 / 3, delta=0.07)
        self.assertEqual(load.failures(), [])
        self.assertEqual(self.addresses(), [demo.address(n) for n in NAMES])

    def test_delete_under_load_fails_nothing_and_stops_new_requests(self):
        # 30 ms answers: at any moment some requests are in flight to b.
        demo = self.start_demo(*NAMES, delay_ms=30)
        self.start_yoke(self.config(demo, NAMES), self.port)
        load = SentLoad(self.port, clients=8)
        self.addCleanup(load.stop)
        time.sleep(T(1))
        self.assertGreater(load.counts()["b"], 10)
        status, body, _ = self.api("DELETE", "/api/v1/upstreams/app/servers/" + demo.address("b"))
        returned = load.now()
        self.assertEqual(status, 200, body)
        self.assertEqual([s["address"] for s in body["servers"]],
                         [demo.address("a"), demo.address("c")])
        time.sleep(T(1.5))
        load.stop()
        if os.environ.get("YOKE_IT_VERBOSE"):
            print("\nDELETE under load: %d requests in all, %d failed; %d sent in the 1.5 s after "
                  "the answer, %d of them to the removed server" %
                  (len(load.records) + len(load.errors), len(load.failures()),
                   sum(load.sent_after(n, returned) for n in NAMES), load.sent_after("b", returned)))
        self.assertEqual(load.sent_after("b", returned), 0)
        self.assertGreater(load.sent_after("a", returned), 20)
        self.assertEqual(load.failures(), [])
        # By index too: c is now 1.
        status, body, _ = self.api("DELETE", "/api/v1/upstreams/app/servers/1")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.addresses(), [demo.address("a")])

    def test_state_file_survives_reload_and_restart(self):
        demo = self.start_demo(*NAMES)
        config = self.config(demo, ("a", "b"), state=True)
        yoke = self.start_yoke(config, self.port)
        self.assertFalse(os.path.exists(self.state_path))  # seeded from the server lines
        self.assertEqual(self.api("POST", "/api/v1/upstreams/app/servers",
                                  {"address": demo.address("c"), "backup": True})[0], 201)
        self.assertEqual(self.api("DELETE", "/api/v1/upstreams/app/servers/0")[0], 200)
        with open(self.state_path) as f:
            kept = [line for line in f.read().splitlines() if line.startswith("server")]
        self.assertEqual(kept, ["server %s;" % demo.address("b"),
                                "server %s backup;" % demo.address("c")])
        expected = [demo.address("b"), demo.address("c")]
        yoke.signal(signal.SIGHUP)
        self.wait_for_reloads(yoke, 1)
        self.assertEqual(self.addresses(), expected)
        yoke.stop()
        again = self.start_yoke(config, self.port)
        self.assertEqual(self.addresses(), expected)
        with HttpSession(self.port) as session:
            self.assertEqual({session.request("/x")[1].get("X-Backend") for _ in range(4)}, {"b"})
        # A broken state file: the reload fails naming file:line, the running list stays.
        with open(self.state_path, "w") as f:
            f.write("server %s;\nserver %s weight=zero;\n" % (demo.address("b"),
                                                               demo.address("c")))
        again.signal(signal.SIGHUP)
        self.wait_for_log_text(again, "reload failed")
        self.assertIn("%s:2:" % self.state_path, again.error_log)
        self.assertEqual(self.addresses(), expected)

    def test_without_state_a_reload_restores_the_configuration(self):
        demo = self.start_demo(*NAMES)
        yoke = self.start_yoke(self.config(demo, ("a", "b")), self.port)
        self.assertEqual(self.api("POST", "/api/v1/upstreams/app/servers",
                                  {"address": demo.address("c")})[0], 201)
        yoke.signal(signal.SIGHUP)
        self.wait_for_reloads(yoke, 1)
        self.assertEqual(self.addresses(), [demo.address("a"), demo.address("b")])

    def wait_for_reloads(self, yoke, count):
        self.wait_for_log_text(yoke, "configuration reloaded", count)

    def wait_for_log_text(self, yoke, text, count=1):
        deadline = time.monotonic() + T(10)
        while yoke.error_log.count(text) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertGreaterEqual(yoke.error_log.count(text), count, yoke.error_log)

    def assert_error(self, response, status, field):
        self.assertEqual(response[0], status, response)
        body = response[1]
        self.assertEqual((body["status"], body["field"]), (status, field), body)
        self.assertTrue(body["error"])

    def test_bad_input_changes_nothing(self):
        demo = self.start_demo(*NAMES)
        self.start_yoke(self.config(demo, ("a", "b")), self.port)
        before = self.api("GET", "/api/v1/upstreams")[1]
        servers = "/api/v1/upstreams/app/servers"
        new = {"address": demo.address("c")}
        self.assert_error(self.api("POST", "/api/v1/upstreams/nope/servers", new), 404, None)
        self.assert_error(self.api("POST", servers, raw='{"address": '), 400, None)
        self.assert_error(self.api("POST", servers, raw='[]'), 400, None)
        self.assert_error(self.api("POST", servers, {}), 400, "address")
        self.assert_error(self.api("POST", servers, {"address": "nowhere.invalid:80"}), 400,
                          "address")
        self.assert_error(self.api("POST", servers, {"address": "127.0.0.1:0"}), 400, "address")
        self.assert_error(self.api("POST", servers, dict(new, weight=0)), 400, "weight")
        self.assert_error(self.api("POST", servers, dict(new, weight="2")), 400, "weight")
        self.assert_error(self.api("POST", servers, dict(new, slow_start="soon")), 400,
                          "slow_start")
        self.assert_error(self.api("POST", servers, dict(new, colour="red")), 400, "colour")
        self.assert_error(self.api("POST", servers, {"address": demo.address("a")}), 409,
                          "address")
        self.assert_error(self.api("POST", servers, raw=json.dumps(new),
                                   headers=dict(AUTH, **{"Content-Type": "text/plain"})),
                          415, None)
        # hash has no backup servers: the configuration's own check refuses it.
        self.assert_error(self.api("POST", "/api/v1/upstreams/hashed/servers",
                                   dict(new, backup=True)), 400, None)
        implicit = "/api/v1/upstreams/%s/servers" % demo.address("a")
        self.assert_error(self.api("POST", implicit, new), 409, None)
        self.assert_error(self.api("DELETE", servers + "/7"), 404, None)
        self.assert_error(self.api("DELETE", servers + "/127.0.0.1:1"), 404, None)
        self.assert_error(self.api("DELETE", "/api/v1/upstreams/single/servers/0"), 409, None)
        self.assertEqual(self.api("POST", servers, new, headers={})[0], 401)
        self.assertEqual(self.api("DELETE", servers + "/0", headers={})[0], 401)
        self.assertEqual(self.api("GET", "/api/v1/upstreams")[1], before)
        with HttpSession(self.port) as session:
            backends = {session.request("/x")[1].get("X-Backend") for _ in range(6)}
        self.assertEqual(backends, {"a", "b"})
