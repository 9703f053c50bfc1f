"""The admin listener and /metrics with the real `yoke` (two workers) and real demo backends:
known numbers of requests (proxied, failing with 500, refused by a dead server, answered
locally) must come back as exact counts per upstream, server and status class, agree with what
the backends themselves counted, and sum over both workers; histogram counts equal request
counts; the token is required; unknown paths get 404; `promtool check metrics` accepts the real
scrape and Debian's python3-prometheus-client parses the OpenMetrics one."""

import os
import re
import shutil
import socket
import subprocess
import time

from harness import T, HttpSession, YokeTestCase, free_port, http_request, run_yoke_cli

TOKEN = "s3cret-token_1"
AUTH = {"Authorization": "Bearer " + TOKEN}
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, where python3-prometheus-client lives

LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_exposition(text):
    """{(sample name, frozenset of label pairs): value} from the 0.0.4 text format."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        head, value = line.rsplit(" ", 1)
        name, _, labels = head.partition("{")
        pairs = frozenset((k, bytes(v, "utf-8").decode("unicode_escape"))
                          for k, v in LABEL.findall(labels))
        samples[(name, pairs)] = float(value)
    return samples


def value(samples, name, **labels):
    key = (name, frozenset(labels.items()))
    if key not in samples:
        raise AssertionError("no sample %s%s" % (name, labels))
    return samples[key]


def total(samples, name, **labels):
    """The sum of every sample of name whose labels include the given ones."""
    wanted = set(labels.items())
    return sum(v for (n, pairs), v in samples.items() if n == name and wanted <= pairs)


class MetricsTest(YokeTestCase):

    TEST_TIMEOUT = 90

    def setUp(self):
        super().setUp()
        self.dir = self.make_dir()
        with open(os.path.join(self.dir, "token"), "w") as f:
            f.write(TOKEN + "\n")

    def make_dir(self):
        path = os.path.join("/tmp", "yoke-metrics-%d-%d" % (os.getpid(), id(self)))
        os.makedirs(path, exist_ok=True)
        self.addCleanup(shutil.rmtree, path, True)
        return path

    def start_proxy(self, demo, workers, dead_port, extra_locations=""):
        port, admin = free_port(), free_port()
        config = """worker_processes %d;
error_log @ERRLOG@ info;
admin { listen 127.0.0.1:%d; token_file %s/token; }
http {
  upstream app { server %s; server %s; keepalive 16; }
  upstream bad { server %s; keepalive 4; }
  upstream dead { server 127.0.0.1:%d; }
  upstream half { server 127.0.0.1:%d max_fails=1 fail_timeout=30s; server %s; }
  server {
    listen 127.0.0.1:%d;
    location /app/ { proxy_pass http://app; }
    location /bad/ { proxy_pass http://bad; }
    location /dead/ { proxy_pass http://dead; }
    location /half/ { proxy_pass http://half; }
    location = /local { return 200 "local\\n"; }
%s
  }
}
""" % (workers, admin, self.dir, demo.address("a"), demo.address("b"), demo.address("c"),
       dead_port, dead_port, demo.address("a"), port, extra_locations)
        yoke = self.start_yoke(config, port)
        return yoke, port, admin

    def scrape(self, admin, headers=None):
        status, response_headers, body = http_request(admin, "/metrics",
                                                      headers=AUTH if headers is None else headers)
        self.assertEqual(status, 200, body)
        return response_headers, body.decode()

    def scrape_until(self, admin, done, timeout=T(5)):
        """Scrapes until done(samples) holds: a worker counts a request just after its last
        byte is written, so a client can be a few microseconds ahead of the counters."""
        deadline = time.monotonic() + timeout
        while True:
            _, text = self.scrape(admin)
            samples = parse_exposition(text)
            if done(samples) or time.monotonic() > deadline:
                return text, samples
            time.sleep(0.05)

    def test_counts_per_server_and_class_sum_over_workers(self):
        demo = self.start_demo("a", "b", "c")
        status, _, _ = http_request(demo.port("c"), "/__control?fail=1")
        self.assertEqual(status, 200)
        dead_port = free_port()  # nothing listens there
        yoke, port, admin = self.start_proxy(demo, 2, dead_port)

        connections = 1  # the harness's readiness probe (wait_for_port)
        app_requests, bad_requests, dead_requests, half_requests = 40, 7, 4, 30
        local_ok, local_missing = 3, 5
        # Fresh connections (spread over both workers by SO_REUSEPORT) and one keep-alive session.
        for i in range(app_requests - 10):
            status, _, _ = http_request(port, "/app/%d" % i)
            self.assertEqual(status, 200)
            connections += 1
        with HttpSession(port) as session:
            connections += 1
            for i in range(10):
                self.assertEqual(session.request("/app/k%d" % i)[0], 200)
        for path, count, expected in (("/bad/x", bad_requests, 500),
                                      ("/dead/x", dead_requests, 502),
                                      ("/half/x", half_requests, 200),
                                      ("/local", local_ok, 200),
                                      ("/nowhere", local_missing, 404)):
            for _ in range(count):
                status, _, _ = http_request(port, path)
                self.assertEqual(status, expected, path)
                connections += 1

        all_requests = (app_requests + bad_requests + dead_requests + half_requests + local_ok +
                        local_missing)
        text, samples = self.scrape_until(admin, lambda s: (
            total(s, "yoke_requests_total") == all_requests and
            value(s, "yoke_client_connections_open") == 0))
        a, b, c = demo.address("a"), demo.address("b"), demo.address("c")
        dead = "127.0.0.1:%d" % dead_port
        requests = "yoke_requests_total"

        # Per server: exactly what each backend says it answered.
        self.assertEqual(value(samples, requests, upstream="app", server=a, code_class="2xx") +
                         value(samples, requests, upstream="half", server=a, code_class="2xx"),
                         demo.requests("a"))
        self.assertEqual(value(samples, requests, upstream="app", server=b, code_class="2xx"),
                         demo.requests("b"))
        self.assertEqual(value(samples, requests, upstream="app", server=a, code_class="2xx") +
                         value(samples, requests, upstream="app", server=b, code_class="2xx"),
                         app_requests)
        self.assertEqual(value(samples, requests, upstream="bad", server=c, code_class="5xx"),
                         bad_requests)
        self.assertEqual(demo.requests("c"), bad_requests)
        # Yoke's own answers: 502 after the dead server refused, 200 from `return`, 404.
        self.assertEqual(value(samples, requests, upstream="dead", server="", code_class="5xx"),
                         dead_requests)
        self.assertEqual(value(samples, requests, upstream="", server="", code_class="2xx"),
                         local_ok)
        self.assertEqual(value(samples, requests, upstream="", server="", code_class="4xx"),
                         local_missing)
        self.assertEqual(total(samples, requests, upstream="half", code_class="2xx"),
                         half_requests)

        # Failures and retries.
        failures = "yoke_upstream_failures_total"
        self.assertEqual(value(samples, failures, upstream="bad", server=c, reason="http_5xx"),
                         bad_requests)
        self.assertEqual(value(samples, failures, upstream="dead", server=dead,
                               reason="connect_error"), dead_requests)
        half_refused = value(samples, failures, upstream="half", server=dead,
                             reason="connect_error")
        # Passive health is per worker: each worker tries the dead server once, then max_fails=1
        # takes it out for 30 s. Two refusals therefore show that both workers served requests
        # and that the scrape summed both (30 fresh connections all hashed to one worker by
        # SO_REUSEPORT: about 1 in 10^9).
        self.assertEqual(half_refused, 2)
        self.assertEqual(value(samples, "yoke_upstream_retries_total", upstream="half"),
                         half_refused)
        self.assertEqual(total(samples, failures, upstream="app"), 0)

        # Histograms count every request, and every attempt that got a head.
        duration = "yoke_request_duration_seconds_count"
        self.assertEqual(value(samples, duration, upstream="app"), app_requests)
        self.assertEqual(value(samples, duration, upstream=""), local_ok + local_missing)
        self.assertEqual(value(samples, "yoke_request_duration_seconds_bucket", upstream="app",
                               le="+Inf"), app_requests)
        header = "yoke_upstream_response_seconds_count"
        self.assertEqual(value(samples, header, upstream="app", server=b, phase="header"),
                         demo.requests("b"))
        self.assertEqual(value(samples, header, upstream="app", server=b, phase="last_byte"),
                         demo.requests("b"))
        self.assertEqual(value(samples, header, upstream="bad", server=c, phase="header"),
                         bad_requests)

        # Connections: clients, and upstream connections as the backends counted them.
        self.assertEqual(value(samples, "yoke_client_connections_accepted_total"), connections)
        # Every client here (the harness's probe too) closed its connection itself.
        self.assertEqual(value(samples, "yoke_client_connections_closed_total",
                               reason="client_closed"), connections)
        # c serves only `bad`: the connections it accepted, but for our /__control call, are
        # the ones Yoke created.
        self.assertEqual(value(samples, "yoke_upstream_connections_created_total",
                               upstream="bad"), demo.stats("c")["connections"] - 1)
        created = value(samples, "yoke_upstream_connections_created_total", upstream="app")
        reused = value(samples, "yoke_upstream_connections_reused_total", upstream="app")
        self.assertEqual(value(samples, header, upstream="app", server=a, phase="header") +
                         value(samples, header, upstream="app", server=b, phase="header"),
                         app_requests)
        self.assertEqual(created + reused, app_requests)
        self.assertEqual(value(samples, "yoke_upstream_connections_open", upstream="app"),
                         value(samples, "yoke_upstream_connections_idle", upstream="app"))
        for server in (a, b):
            self.assertEqual(value(samples, "yoke_server_in_flight", upstream="app",
                                   server=server), 0)
            self.assertEqual(value(samples, "yoke_server_up", upstream="app", server=server), 1)
        self.assertEqual(value(samples, "yoke_workers"), 2)
        self.check_promtool(text)

    def check_promtool(self, text):
        promtool = shutil.which("promtool")
        self.assertIsNotNone(promtool, "promtool missing: run scripts/install-deps")
        result = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                                text=True, timeout=T(30))
        self.assertEqual((result.returncode, result.stdout + result.stderr), (0, ""))

    def test_token_paths_methods_and_formats(self):
        demo = self.start_demo("a", "b", "c")
        yoke, port, admin = self.start_proxy(demo, 1, free_port())
        self.assertEqual(http_request(port, "/app/x")[0], 200)

        status, headers, body = http_request(admin, "/metrics")
        self.assertEqual(status, 401)
        self.assertEqual(headers["WWW-Authenticate"], 'Bearer realm="yoke"')
        status, headers, _ = http_request(admin, "/metrics",
                                          headers={"Authorization": "Bearer wrong"})
        self.assertEqual(status, 401)
        self.assertIn('error="invalid_token"', headers["WWW-Authenticate"])
        # /healthz is public (probes carry no token), with or without one.
        for headers in ({}, AUTH, {"Authorization": "Bearer wrong"}):
            status, _, body = http_request(admin, "/healthz", headers=headers)
            self.assertEqual((status, body.split(b"\n")[0]), (200, b"ok"), headers)
        status, _, body = http_request(admin, "/nope", headers=AUTH)
        self.assertEqual(status, 404)
        self.assertIn(b"/healthz, /metrics", body)
        status, headers, _ = http_request(admin, "/metrics", method="POST", headers=AUTH,
                                          body=b"x")
        self.assertEqual((status, headers["Allow"]), (405, "GET, HEAD"))
        status, headers, body = http_request(admin, "/metrics", method="HEAD", headers=AUTH)
        self.assertEqual((status, body), (200, b""))
        self.assertGreater(int(headers["Content-Length"]), 1000)

        headers, text = self.scrape(admin)
        self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        self.check_promtool(text)
        # What Prometheus 2.42 sends when it prefers OpenMetrics.
        accept = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                  "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
        headers, open_text = self.scrape(admin, dict(AUTH, Accept=accept))
        self.assertEqual(headers["Content-Type"],
                         "application/openmetrics-text; version=1.0.0; charset=utf-8")
        self.assertTrue(open_text.endswith("# EOF\n"))
        self.assertIn("# TYPE yoke_requests counter\n", open_text)
        self.assertIn("# TYPE yoke_build info\n", open_text)
        parsed = self.parse_openmetrics(open_text)
        key = "yoke_requests_total{code_class=2xx,server=%s,upstream=app}"
        served = sum(float(parsed.get(key % demo.address(n), 0)) for n in ("a", "b"))
        self.assertEqual(served, 1)

    def parse_openmetrics(self, text):
        """Samples as "name{k=v,...}" -> value, through prometheus_client's strict OpenMetrics
        parser (it rejects a missing # EOF, wrong suffixes, non-cumulative buckets …)."""
        script = ("import sys\n"
                  "from prometheus_client.openmetrics.parser import "
                  "text_string_to_metric_families as parse\n"
                  "for family in parse(sys.stdin.read()):\n"
                  "    for s in family.samples:\n"
                  "        labels = ','.join('%s=%s' % kv for kv in sorted(s.labels.items()))\n"
                  "        print('%s{%s} %r' % (s.name, labels, s.value))\n")
        result = subprocess.run([SYSTEM_PYTHON, "-c", script], input=text, capture_output=True,
                                text=True, timeout=T(30))
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        return dict(line.rsplit(" ", 1) for line in result.stdout.splitlines())

    def test_passive_health_shows_in_server_up(self):
        demo = self.start_demo("a", "b", "c")
        dead_port = free_port()
        yoke, port, admin = self.start_proxy(demo, 1, dead_port)
        dead = "127.0.0.1:%d" % dead_port
        _, samples = self.scrape_until(admin, lambda s: True)
        self.assertEqual(value(samples, "yoke_server_up", upstream="half", server=dead), 1)
        # Round robin reaches the dead server within two requests; max_fails=1 takes it out
        # for fail_timeout=30s.
        for _ in range(2):
            self.assertEqual(http_request(port, "/half/x")[0], 200)
        _, samples = self.scrape_until(admin, lambda s: value(
            s, "yoke_server_up", upstream="half", server=dead) == 0)
        self.assertEqual(value(samples, "yoke_server_up", upstream="half", server=dead), 0)
        self.assertEqual(value(samples, "yoke_server_up", upstream="half",
                               server=demo.address("a")), 1)

    def test_client_close_reasons(self):
        demo = self.start_demo("a", "b", "c")
        yoke, port, admin = self.start_proxy(
            demo, 1, free_port(),
            "    location /short/ { keepalive_timeout 1s; proxy_pass http://app; }\n")
        status, _, _ = http_request(port, "/app/x", headers={"Connection": "close"})
        self.assertEqual(status, 200)
        idle = socket.create_connection(("127.0.0.1", port), timeout=T(5))
        self.addCleanup(idle.close)
        idle.sendall(b"GET /short/x HTTP/1.1\r\nHost: a\r\n\r\n")
        self.assertTrue(idle.recv(65536).startswith(b"HTTP/1.1 200 "))
        closed = "yoke_client_connections_closed_total"
        _, samples = self.scrape_until(admin, lambda s: value(s, closed, reason="idle_timeout") == 1,
                                       timeout=T(5))
        self.assertEqual(value(samples, closed, reason="idle_timeout"), 1)
        self.assertEqual(value(samples, closed, reason="server_closed"), 1)
        self.assertEqual(value(samples, closed, reason="client_closed"), 1)  # the harness's probe
        self.assertEqual(value(samples, "yoke_client_connections_open"), 0)

    def test_unreadable_token_file_is_a_config_error(self):
        demo = self.start_demo("a", "b", "c")
        os.unlink(os.path.join(self.dir, "token"))
        config_path = os.path.join(self.dir, "yoke.conf")
        with open(config_path, "w") as f:
            f.write("admin { token_file token; }\nhttp { server { listen 127.0.0.1:%d; "
                    "location / { proxy_pass http://%s; } } }\n" % (free_port(),
                                                                    demo.address("a")))
        result = run_yoke_cli(["-t", "-c", config_path])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("%s:1:20: cannot read token file \"%s/token\"" % (config_path, self.dir),
                      result.stderr)

    def test_admin_requests_are_bounded(self):
        demo = self.start_demo("a", "b", "c")
        yoke, port, admin = self.start_proxy(demo, 1, free_port())
        # A head over 16 KiB: 431 and the connection closes.
        with socket.create_connection(("127.0.0.1", admin), timeout=T(5)) as sock:
            sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: a\r\nX-Big: " + b"x" * 20000 +
                         b"\r\n\r\n")
            reply = self.read_until_closed(sock)
        self.assertTrue(reply.startswith(b"HTTP/1.1 431 "), reply[:80])
        # Garbage: 400 from the HTTP/1 parser.
        with socket.create_connection(("127.0.0.1", admin), timeout=T(5)) as sock:
            sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n")
            reply = self.read_until_closed(sock)
        self.assertTrue(reply.startswith(b"HTTP/1.1 400 "), reply[:80])
        # Two pipelined requests on a keep-alive connection, answered in order.
        with socket.create_connection(("127.0.0.1", admin), timeout=T(5)) as sock:
            request = ("GET /healthz HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer %s\r\n\r\n"
                       % TOKEN).encode()
            sock.sendall(request + request.replace(b"Host: a\r\n",
                                                   b"Host: a\r\nConnection: close\r\n"))
            reply = self.read_until_closed(sock)
        self.assertEqual(reply.count(b"HTTP/1.1 200 OK"), 2, reply)
        self.assertEqual(reply.count(b"\r\n\r\nok\n"), 2, reply)

    def read_until_closed(self, sock):
        data = b""
        deadline = time.monotonic() + T(5)
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
        raise AssertionError("admin connection stayed open: %r" % data[:200])
