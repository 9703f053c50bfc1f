"""The runtime deny list (admin API /api/v1/denylist, docs/admin-api.md) with the real `yoke`
(two workers): an entry refuses the next connections from its addresses within a second on
every worker (clients bind 127.0.0.2 / 127.0.0.3 on loopback), other clients are unaffected,
expiry lifts it without any request arriving, it survives a reload and a restart through
denylist_file, a broken file stops the start naming file:line, bad input gets a JSON 4xx
naming the field and changes nothing; the PROXY protocol source and a realip header address
are checked too."""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse

from harness import (T, YokeTestCase, free_port, http_request, make_config, upstream_block,
                     yoke_binary)
from security_helpers import wait_until

TOKEN = "deny-token_1"
AUTH = {"Authorization": "Bearer " + TOKEN}
REQUEST = b"GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
# Connections tried per check. SO_REUSEPORT spreads connections over the two workers by the
# hash of the 4-tuple (each attempt has a new source port), so 20 refused in a row mean both
# workers refuse: the chance that all 20 went to one worker is 2 × 2^-20.
ATTEMPTS = 20


def metric(admin_port, name, labels=""):
    """A sample's value from /metrics (0 when absent), with the admin token."""
    status, _, body = http_request(admin_port, "/metrics", headers=AUTH)
    assert status == 200, status
    pattern = re.escape(name) + (r"\{" + re.escape(labels) + r"\}" if labels else "") + r" (\S+)"
    found = re.search(r"^" + pattern + r"$", body.decode(), re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def answer(port, source, request=REQUEST, host="127.0.0.1"):
    """The status of one request on a new connection from `source`, or None when the
    connection was closed or reset before any answer (a refusal at accept)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as client:
            client.settimeout(T(5))
            client.bind((source, 0))
            client.connect((host, port))
            client.sendall(request)
            head = client.recv(100)
    except (ConnectionResetError, BrokenPipeError):
        return None
    if not head.startswith(b"HTTP/1.1 "):
        return None
    return int(head[9:12])


class DenylistTest(YokeTestCase):

    TEST_TIMEOUT = 90

    def setUp(self):
        super().setUp()
        self.dir = self.admin_token_dir("denylist", TOKEN)
        self.list_path = os.path.join(self.dir, "deny.list")

    def config(self, demo, port, admin, listen_extra="", location_extra="", ipv6_port=None):
        config = make_config(
            port, "    location / {\n%s\n      proxy_pass http://app;\n    }\n" % location_extra,
            upstreams=upstream_block("app", [demo.address("a")]),
            main_extra="admin { listen 127.0.0.1:%d; token_file %s/token; "
                       "denylist_file %s; }\n" % (admin, self.dir, self.list_path))
        config = config.replace("worker_processes 1;", "worker_processes 2;")
        extra = " " + listen_extra if listen_extra else ""
        listens = "listen 127.0.0.1:%d%s;" % (port, extra)
        if ipv6_port:
            listens += " listen [::1]:%d;" % ipv6_port
        return config.replace("listen 127.0.0.1:%d;" % port, listens)

    def start(self, **kwargs):
        demo = self.start_demo("a")
        self.port, self.admin = free_port(), free_port()
        self.config_text = self.config(demo, self.port, self.admin, **kwargs)
        self.yoke = self.start_yoke(self.config_text, self.port)
        return self.yoke

    def api(self, method, path, body=None, headers=None, raw=None):
        headers = dict(AUTH if headers is None else headers)
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        status, response_headers, payload = http_request(self.admin, path, method=method,
                                                         headers=headers, body=data)
        if response_headers.get("Content-Type") == "application/json":
            return status, json.loads(payload)
        return status, payload

    def add(self, address, expires=None, reason="", expect=201):
        body = {"address": address, "reason": reason}
        if expires is not None:
            body["expires"] = expires
        status, entry = self.api("POST", "/api/v1/denylist", body)
        self.assertEqual(status, expect, entry)
        return entry

    def entries(self):
        status, body = self.api("GET", "/api/v1/denylist")
        self.assertEqual(status, 200, body)
        return body["entries"]

    def refused_within(self, source, seconds, host="127.0.0.1", port=None):
        """Seconds until a connection from source is refused (None if not within seconds);
        then ATTEMPTS more must all be refused."""
        start = time.monotonic()
        port = port or self.port
        while answer(port, source, host=host) is not None:
            if time.monotonic() - start > seconds:
                return None
            time.sleep(0.01)
        took = time.monotonic() - start
        statuses = [answer(port, source, host=host) for _ in range(ATTEMPTS)]
        self.assertEqual(statuses, [None] * ATTEMPTS)
        return took

    def served_within(self, source, seconds):
        return wait_until(lambda: answer(self.port, source) == 200, seconds)

    def all_served(self, source):
        statuses = [answer(self.port, source) for _ in range(ATTEMPTS)]
        self.assertEqual(statuses, [200] * ATTEMPTS)

    def test_entry_refuses_at_accept_on_every_worker_and_delete_lifts_it(self):
        self.start()
        self.all_served("127.0.0.2")
        self.assertEqual(self.entries(), [])
        entry = self.add("127.0.0.2", expires="10m", reason="scraper")
        self.assertEqual(entry["address"], "127.0.0.2/32")
        self.assertEqual(entry["reason"], "scraper")
        self.assertTrue(595 <= entry["expires_in"] <= 600, entry)
        took = self.refused_within("127.0.0.2", T(1.0))
        self.assertIsNotNone(took, "127.0.0.2 still served 1 s after the POST returned")
        if os.environ.get("YOKE_IT_VERBOSE"):
            print("\nrefused %.1f ms after the POST returned" % (took * 1000))
        self.all_served("127.0.0.3")  # others unaffected
        listed = self.entries()
        self.assertEqual([e["address"] for e in listed], ["127.0.0.2/32"])
        self.assertGreaterEqual(listed[0]["hits"], ATTEMPTS + 1)
        self.assertEqual(metric(self.admin, "yoke_denylist_entries"), 1)
        refused = metric(self.admin, "yoke_denylist_rejected_total", 'stage="connection"')
        self.assertEqual(refused, listed[0]["hits"])
        self.assertEqual(
            metric(self.admin, "yoke_connections_rejected_total", 'reason="denylist"'), refused)
        # The entry's key in the path is its network, URL-encoded.
        status, body = self.api("DELETE",
                                "/api/v1/denylist/" + urllib.parse.quote("127.0.0.2/32", ""))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["address"], "127.0.0.2/32")
        self.assertTrue(self.served_within("127.0.0.2", T(1.0)))
        self.all_served("127.0.0.2")
        self.assertEqual(self.entries(), [])
        self.assertEqual(metric(self.admin, "yoke_denylist_entries"), 0)
        status, body = self.api("DELETE", "/api/v1/denylist/127.0.0.2")
        self.assertEqual(status, 404, body)

    def test_networks_overlap_and_ipv6(self):
        ipv6_port = free_port()
        try:
            with socket.socket(socket.AF_INET6) as probe:
                probe.bind(("::1", 0))
        except OSError:
            ipv6_port = None
        self.start(ipv6_port=ipv6_port)
        self.add("127.0.0.2/31", reason="both test clients")  # .2 and .3
        self.add("127.0.0.3", expires=60)  # a more specific entry inside it
        self.assertIsNotNone(self.refused_within("127.0.0.2", T(1.0)))
        self.assertIsNotNone(self.refused_within("127.0.0.3", T(1.0)))
        self.all_served("127.0.0.4")
        hits = {e["address"]: e["hits"] for e in self.entries()}
        # The longest match takes the hit.
        self.assertGreaterEqual(hits["127.0.0.2/31"], ATTEMPTS + 1)
        self.assertGreaterEqual(hits["127.0.0.3/32"], ATTEMPTS + 1)
        # Renewing an entry keeps its count and answers 200.
        renewed = self.add("127.0.0.3", expires="1h", expect=200)
        self.assertEqual(renewed["hits"], hits["127.0.0.3/32"])
        if ipv6_port:
            self.assertEqual(answer(ipv6_port, "::1", host="::1"), 200)
            self.add("::1/128")
            self.assertIsNotNone(self.refused_within("::1", T(1.0), host="::1", port=ipv6_port))
            self.all_served("127.0.0.4")

    def test_expiry_lifts_the_entry_without_a_request(self):
        self.start()
        self.add("127.0.0.2", expires=2)
        self.assertIsNotNone(self.refused_within("127.0.0.2", T(1.0)))
        with open(self.list_path) as f:
            self.assertIn("127.0.0.2/32", f.read())
        # No client connects meanwhile: the admin thread's timer drops the entry (and rewrites
        # the file) on its own, within a second of its end.
        self.assertTrue(wait_until(lambda: metric(self.admin, "yoke_denylist_entries") == 0,
                                   T(4.0)))
        with open(self.list_path) as f:
            self.assertNotIn("127.0.0.2", f.read())
        self.assertEqual(self.entries(), [])
        self.all_served("127.0.0.2")

    def test_persisted_across_reload_and_restart(self):
        yoke = self.start()
        self.add("127.0.0.2", expires="1h", reason="kept across restarts")
        self.add("2001:db8::/32", reason="no expiry")
        self.assertIsNotNone(self.refused_within("127.0.0.2", T(1.0)))
        # A reload keeps the list (it is the process's state, not the configuration's).
        yoke.signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: "reload" in yoke.error_log and
                                   "configuration reloaded" in yoke.error_log, T(5)),
                        yoke.error_log)
        self.assertIsNotNone(self.refused_within("127.0.0.2", T(1.0)))
        self.assertEqual(len(self.entries()), 2)
        yoke.stop()
        with open(self.list_path) as f:
            text = f.read()
        self.assertIn("kept across restarts", text)
        # A new process on the same file: the entries come back before the first connection.
        self.yoke = self.start_yoke(self.config_text, self.port)
        self.assertIsNone(answer(self.port, "127.0.0.2"))
        self.all_served("127.0.0.3")
        listed = {e["address"]: e for e in self.entries()}
        self.assertEqual(sorted(listed), ["127.0.0.2/32", "2001:db8::/32"])
        self.assertEqual(listed["127.0.0.2/32"]["reason"], "kept across restarts")
        self.assertTrue(3500 < listed["127.0.0.2/32"]["expires_in"] <= 3600)
        self.assertIsNone(listed["2001:db8::/32"]["expires_in"])

    def test_a_broken_file_stops_the_start_naming_file_and_line(self):
        demo = self.start_demo("a")
        port, admin = free_port(), free_port()
        with open(self.list_path, "w") as f:
            f.write("# comment\n127.0.0.2/32 never 1700000000 fine\n10.0.0.1/8 never 1 bad\n")
        config_path = os.path.join(self.dir, "yoke.conf")
        with open(config_path, "w") as f:
            f.write(self.config(demo, port, admin).replace("@ERRLOG@", "stderr"))
        result = subprocess.run([yoke_binary(), "-c", config_path], capture_output=True,
                                timeout=T(10), cwd=self.dir)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("%s:3: invalid address \"10.0.0.1/8\"" % self.list_path,
                      result.stderr.decode())

    def test_bad_input_changes_nothing(self):
        self.start()
        self.add("127.0.0.2", expires="1h")
        with open(self.list_path) as f:
            before = f.read()
        bad = [
            ({"address": "127.0.0.300"}, "address"),
            ({"address": "10.0.0.1/8"}, "address"),
            ({"address": "all"}, "address"),
            ({"address": 7}, "address"),
            ({"expires": 5}, "address"),
            ({"address": "127.0.0.3", "expires": 0}, "expires"),
            ({"address": "127.0.0.3", "expires": -5}, "expires"),
            ({"address": "127.0.0.3", "expires": "soon"}, "expires"),
            ({"address": "127.0.0.3", "expires": 10 ** 12}, "expires"),
            ({"address": "127.0.0.3", "reason": "a\nb"}, "reason"),
            ({"address": "127.0.0.3", "ttl": 5}, "ttl"),
        ]
        for body, field in bad:
            status, answer_body = self.api("POST", "/api/v1/denylist", body)
            self.assertEqual(status, 400, (body, answer_body))
            self.assertEqual(answer_body["field"], field, (body, answer_body))
        status, answer_body = self.api("POST", "/api/v1/denylist", raw="{not json")
        self.assertEqual((status, answer_body["field"]), (400, None))
        status, answer_body = self.api("DELETE", "/api/v1/denylist/not-an-address")
        self.assertEqual((status, answer_body["field"]), (400, "path"))
        status, _ = self.api("POST", "/api/v1/denylist", {"address": "127.0.0.3"}, headers={})
        self.assertEqual(status, 401)
        status, _ = self.api("GET", "/api/v1/denylist", headers={})
        self.assertEqual(status, 401)
        self.assertEqual([e["address"] for e in self.entries()], ["127.0.0.2/32"])
        with open(self.list_path) as f:
            self.assertEqual(f.read(), before)
        self.all_served("127.0.0.3")

    def test_proxy_protocol_source_is_checked_after_its_header(self):
        self.start(listen_extra="proxy_protocol")
        header = b"PROXY TCP4 192.0.2.9 127.0.0.1 5555 80\r\n"
        self.assertEqual(answer(self.port, "127.0.0.2", header + REQUEST), 200)
        self.add("192.0.2.0/24")
        self.assertTrue(wait_until(
            lambda: answer(self.port, "127.0.0.2", header + REQUEST) is None, T(1.0)))
        # The same balancer forwarding another client is served.
        other = b"PROXY TCP4 198.51.100.1 127.0.0.1 5555 80\r\n"
        self.assertEqual(answer(self.port, "127.0.0.2", other + REQUEST), 200)
        self.assertGreaterEqual(
            metric(self.admin, "yoke_denylist_rejected_total", 'stage="connection"'), 1)

    def test_realip_header_address_gets_403(self):
        self.start(location_extra="      set_real_ip_from 127.0.0.0/8;\n"
                                  "      real_ip_header X-Forwarded-For;")
        request = (b"GET /x HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.7\r\n"
                   b"Connection: close\r\n\r\n")
        self.assertEqual(answer(self.port, "127.0.0.2", request), 200)
        self.add("198.51.100.7")
        self.assertTrue(wait_until(lambda: answer(self.port, "127.0.0.2", request) == 403,
                                   T(1.0)))
        self.assertEqual(answer(self.port, "127.0.0.2"), 200)  # the proxy itself is not denied
        self.assertGreaterEqual(
            metric(self.admin, "yoke_denylist_rejected_total", 'stage="request"'), 1)
