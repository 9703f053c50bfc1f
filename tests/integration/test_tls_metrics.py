"""TLS figures on /metrics (docs/metrics.md, "TLS"): a known number of full and resumed
handshakes and of failed ones comes back exactly in yoke_tls_handshakes_total,
yoke_tls_sessions_resumed_total, yoke_tls_handshake_failures_total{reason} and the duration
histogram's count; each certificate's expiry equals the notAfter `openssl x509 -enddate` reads
from the file; and `promtool check metrics` accepts the scrape."""

import calendar
import os
import shutil
import ssl
import subprocess
import tempfile
import time

from harness import (RawClient, T, YokeTestCase, build_request, free_port, http_request,
                     upstream_block)
from test_metrics import AUTH, TOKEN, parse_exposition, value
from test_tls import TlsClient, make_pair


def not_after(crt):
    """The certificate's notAfter in seconds since the epoch, as the openssl CLI reads it."""
    out = subprocess.run(["openssl", "x509", "-noout", "-enddate", "-in", crt], check=True,
                         capture_output=True, text=True, timeout=T(10)).stdout
    text = out.strip().split("=", 1)[1]  # "Dec  1 18:00:00 2026 GMT"
    return calendar.timegm(time.strptime(text, "%b %d %H:%M:%S %Y %Z"))


class TlsMetricsTest(YokeTestCase):

    TEST_TIMEOUT = 90

    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="yoke-tls-metrics-")
        cls.a_rsa = make_pair(cls.certs, "a-rsa", "/CN=a.test", "rsa")
        cls.a_ecdsa = make_pair(cls.certs, "a-ecdsa", "/CN=a.test", "ec")
        with open(os.path.join(cls.certs, "token"), "w") as f:
            f.write(TOKEN + "\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs, ignore_errors=True)

    def start(self, backend):
        port, admin = free_port(), free_port()
        config = """worker_processes 2;
error_log @ERRLOG@ info;
admin { listen 127.0.0.1:%d; token_file %s/token; }
http {
  %s
  server {
    listen 127.0.0.1:%d ssl;
    server_name a.test;
    ssl_certificate %s;
    ssl_certificate_key %s;
    ssl_certificate %s;
    ssl_certificate_key %s;
    location / { proxy_pass http://app; }
  }
}
""" % (admin, self.certs, upstream_block("app", [backend.address]), port, self.a_rsa[0],
       self.a_rsa[1], self.a_ecdsa[0], self.a_ecdsa[1])
        self.yoke = self.start_yoke(config, port)
        return port, admin

    def scrape(self, admin):
        status, _, body = http_request(admin, "/metrics", headers=AUTH)
        self.assertEqual(status, 200, body)
        return body.decode(), parse_exposition(body.decode())

    def get(self, client, path):
        client.send(build_request("GET", path, [("Host", "a.test")]))
        self.assertEqual(client.read_response().status, 200, self.yoke.diagnostics())

    def test_handshakes_failures_durations_and_expiry(self):
        backend = self.start_py_backend("py")
        port, admin = self.start(backend)
        # The harness's readiness probe opened and closed a plain TCP connection; the worker
        # counts it when it sees the close, which may come a moment after the scrape (io_uring
        # completions arrive later than epoll's readiness), so wait for it, bounded.
        deadline = time.monotonic() + 3.0
        while True:
            _, before = self.scrape(admin)
            probes = value(before, "yoke_tls_handshake_failures_total", reason="closed")
            if probes >= 1 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertGreaterEqual(probes, 1)

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        full, resumed = 3, 5
        session = None
        for i in range(full):
            with TlsClient(port, context, "a.test") as client:
                self.get(client, "/full%d" % i)  # TLS 1.3 tickets arrive after the handshake
                self.assertFalse(client.sock.session_reused)
                session = client.sock.session
        for i in range(resumed):
            with TlsClient(port, context, "a.test", session=session) as client:
                self.get(client, "/resumed%d" % i)
                self.assertTrue(client.sock.session_reused)
        plain = 2  # plain HTTP on the TLS port: answered 400, counted as plain_http
        for _ in range(plain):
            with RawClient(port) as client:
                client.send(build_request("GET", "/plain", [("Host", "a.test")]))
                self.assertEqual(client.read_response().status, 400)

        deadline = time.monotonic() + T(5)
        while True:
            text, samples = self.scrape(admin)
            done = value(samples, "yoke_tls_handshake_failures_total", reason="plain_http")
            if done == plain or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(value(samples, "yoke_tls_handshakes_total"), full + resumed)
        self.assertEqual(value(samples, "yoke_tls_sessions_resumed_total"), resumed)
        self.assertEqual(value(samples, "yoke_tls_handshake_failures_total", reason="plain_http"),
                         plain)
        self.assertEqual(value(samples, "yoke_tls_handshake_failures_total", reason="closed"),
                         probes)
        self.assertEqual(value(samples, "yoke_tls_handshake_failures_total", reason="protocol"),
                         0)
        self.assertEqual(value(samples, "yoke_tls_handshake_duration_seconds_count"),
                         full + resumed)
        self.assertEqual(value(samples, "yoke_tls_handshake_duration_seconds_bucket", le="+Inf"),
                         full + resumed)
        self.assertGreater(value(samples, "yoke_tls_handshake_duration_seconds_sum"), 0)
        for crt, _ in (self.a_rsa, self.a_ecdsa):
            self.assertEqual(value(samples, "yoke_tls_certificate_expiry_timestamp_seconds",
                                   server_name="a.test", file=crt), not_after(crt))
        promtool = shutil.which("promtool")
        self.assertIsNotNone(promtool, "promtool missing: run scripts/install-deps")
        result = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                                text=True, timeout=T(30))
        self.assertEqual((result.returncode, result.stdout + result.stderr), (0, ""))
