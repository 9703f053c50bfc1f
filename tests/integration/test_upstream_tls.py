"""TLS to upstreams (docs/tls.md, "Upstream TLS"): `proxy_pass https://` with verification, SNI,
client certificates and session reuse.

The TLS backend is a second Yoke with a TLS listener in front of the Python backend; it copies
what it saw of the handshake into request headers (`$ssl_server_name`, `$ssl_session_reused`,
`$ssl_client_s_dn`), which the Python backend records. Certificates are made per class with the
`openssl` command line: a CA that signs the backend's certificate for backend.test, a rogue CA,
and a client CA that signs the proxy's client certificate. The proxy's own figures come from its
/metrics (yoke_upstream_tls_*)."""

import os
import shutil
import signal
import tempfile
import time

from harness import (HttpSession, T, YokeTestCase, forced_event_method, free_port, http_request,
                     run_yoke_cli, upstream_block, with_event_method)
from test_metrics import AUTH, TOKEN, parse_exposition
from test_tls import make_client_certificate, make_pair, openssl


def make_server_certificate(folder, name, dns_name, ca):
    """NAME.crt for dns_name (CN and subjectAltName) signed by ca, with its key NAME.key."""
    key = os.path.join(folder, name + ".key")
    csr = os.path.join(folder, name + ".csr")
    crt = os.path.join(folder, name + ".crt")
    extensions = os.path.join(folder, name + ".ext")
    with open(extensions, "w") as f:
        f.write("subjectAltName=DNS:%s\n" % dns_name)
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
    openssl("req", "-new", "-key", key, "-out", csr, "-subj", "/CN=%s" % dns_name)
    openssl("x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-CAcreateserial",
            "-out", crt, "-days", "2", "-extfile", extensions)
    return crt, key


def sample(samples, name, **labels):
    """The value of metric name with exactly labels (0 when absent)."""
    wanted = tuple(sorted(labels.items()))
    for (metric, metric_labels), value in samples.items():
        if metric == name and tuple(sorted(metric_labels)) == wanted:
            return value
    return 0


class UpstreamTlsTest(YokeTestCase):

    TEST_TIMEOUT = 90

    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="yoke-upstream-tls-")
        cls.ca = make_pair(cls.certs, "ca", "/O=yoke-test/CN=upstream-ca", "ec")
        cls.backend_cert = make_server_certificate(cls.certs, "backend", "backend.test", cls.ca)
        cls.rogue_ca = make_pair(cls.certs, "rogue-ca", "/O=rogue/CN=rogue-ca", "ec")
        cls.client_ca = make_pair(cls.certs, "client-ca", "/O=yoke-test/CN=client-ca", "ec")
        cls.client = make_client_certificate(cls.certs, "proxy-client", "/O=yoke-test/CN=proxy",
                                             cls.client_ca)
        with open(os.path.join(cls.certs, "token"), "w") as f:
            f.write(TOKEN + "\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs, ignore_errors=True)

    # ---------------------------------------------------------------------------------------

    def start_tls_backend(self, extra=""):
        """A Yoke with a TLS listener for backend.test in front of a Python backend."""
        self.py = self.start_py_backend("py")
        port = free_port()
        config = """worker_processes 1;
error_log @ERRLOG@ info;
http {
  %s
  server {
    listen 127.0.0.1:%d ssl;
    server_name backend.test;
    ssl_certificate %s;
    ssl_certificate_key %s;
    ssl_session_cache builtin:1000;
    %s
    location / {
      proxy_pass http://app;
      proxy_set_header X-Sni "$ssl_server_name";
      proxy_set_header X-Reused "$ssl_session_reused";
      proxy_set_header X-Client-Dn "$ssl_client_s_dn";
    }
  }
}
""" % (upstream_block("app", [self.py.address]), port, self.backend_cert[0],
       self.backend_cert[1], extra)
        self.backend = self.start_yoke(config, port)
        return port

    def proxy_config(self, port, admin, backend_port, location_extra, keepalive=True,
                     upstream_extra=""):
        return """worker_processes 1;
error_log @ERRLOG@ info;
admin { listen 127.0.0.1:%d; token_file %s/token; }
http {
  %s
  server {
    listen 127.0.0.1:%d;
    location / {
      proxy_pass https://backend;
      proxy_next_upstream off;
      %s
    }
  }
}
""" % (admin, self.certs, upstream_block(
            "backend", ["127.0.0.1:%d" % backend_port],
            ("keepalive 8;" if keepalive else "") + upstream_extra), port, location_extra)

    def start_proxy(self, backend_port, location_extra, keepalive=True, upstream_extra=""):
        port, admin = free_port(), free_port()
        self.proxy = self.start_yoke(self.proxy_config(port, admin, backend_port, location_extra,
                                                       keepalive, upstream_extra), port)
        return port, admin

    def scrape(self, admin):
        status, _, body = http_request(admin, "/metrics", headers=AUTH)
        self.assertEqual(status, 200, body)
        return parse_exposition(body.decode())

    def verified(self, name="backend.test", ca=None):
        return ("proxy_ssl_verify on; proxy_ssl_trusted_certificate %s; proxy_ssl_name %s; "
                "proxy_ssl_server_name on;" % ((ca or self.ca)[0], name))

    def get(self, port, path, expected=200):
        status, _, body = http_request(port, path)
        self.assertEqual(status, expected, "%s: %r%s%s" % (path, body, self.proxy.diagnostics(),
                                                          self.backend.diagnostics()))
        return body

    # ---------------------------------------------------------------------------------------

    def test_verified_sni_and_one_handshake_for_many_keepalive_requests(self):
        backend_port = self.start_tls_backend()
        port, admin = self.start_proxy(backend_port, self.verified())
        with HttpSession(port) as session:
            for i in range(20):
                status, _, body = session.request("/k%d" % i)
                self.assertEqual(status, 200, body)
                record = self.py.last_record()
                self.assertEqual(record.header("X-Sni"), "backend.test")
        self.assertEqual(self.py.counts()["requests"], 20)
        samples = self.scrape(admin)
        self.assertEqual(sample(samples, "yoke_upstream_tls_handshakes_total",
                                upstream="backend"), 1)
        self.assertEqual(sample(samples, "yoke_upstream_connections_created_total",
                                upstream="backend"), 1)
        self.assertEqual(sample(samples, "yoke_upstream_connections_reused_total",
                                upstream="backend"), 19)

    def test_no_sni_unless_asked(self):
        backend_port = self.start_tls_backend()
        port, _ = self.start_proxy(backend_port, "")  # nginx's defaults: no SNI, no verification
        self.get(port, "/plain-defaults")
        self.assertIsNone(self.py.last_record().header("X-Sni"))  # empty: not sent

    def test_wrong_ca_is_502_with_the_reason_logged(self):
        backend_port = self.start_tls_backend()
        port, admin = self.start_proxy(backend_port, self.verified(ca=self.rogue_ca))
        self.get(port, "/wrong-ca", expected=502)
        self.assertEqual(self.py.counts()["requests"], 0)
        log = self.proxy.error_log
        self.assertIn("SSL handshake failed: verify (certificate verify failed: "
                      "unable to get local issuer certificate", log)
        self.assertIn('while talking to upstream "127.0.0.1:%d"' % backend_port, log)
        samples = self.scrape(admin)
        self.assertEqual(sample(samples, "yoke_upstream_tls_handshake_failures_total",
                                upstream="backend", reason="verify"), 1)
        self.assertEqual(sample(samples, "yoke_upstream_tls_handshakes_total",
                                upstream="backend"), 0)

    def test_wrong_name_is_502_with_the_reason_logged(self):
        backend_port = self.start_tls_backend()
        port, _ = self.start_proxy(backend_port, self.verified(name="other.test"))
        self.get(port, "/wrong-name", expected=502)
        self.assertEqual(self.py.counts()["requests"], 0)
        self.assertIn("SSL handshake failed: verify (certificate verify failed: hostname mismatch",
                      self.proxy.error_log)

    def test_client_certificate_accepted_and_refused(self):
        backend_port = self.start_tls_backend(
            "ssl_verify_client on; ssl_client_certificate %s;" % self.client_ca[0])
        with_certificate = self.verified() + (
            " proxy_ssl_certificate %s; proxy_ssl_certificate_key %s;" % self.client)
        port, _ = self.start_proxy(backend_port, with_certificate)
        self.get(port, "/mtls")
        self.assertIn("CN=proxy", self.py.last_record().header("X-Client-Dn"))
        self.proxy.stop()
        # Without a certificate the backend refuses the handshake (in TLS 1.3 the proxy learns
        # it from the alert on its first read; either way the client gets 502).
        port, _ = self.start_proxy(backend_port, self.verified())
        self.get(port, "/no-certificate", expected=502)
        self.assertEqual(self.py.counts()["requests"], 1)
        self.assertIn("TLS handshake failed", self.backend.error_log)

    def check_resumption(self, protocol, reuse, expected):
        backend_port = self.start_tls_backend()
        extra = self.verified() + " proxy_ssl_protocols %s;" % protocol
        if not reuse:
            extra += " proxy_ssl_session_reuse off;"
        port, admin = self.start_proxy(backend_port, extra, keepalive=False)
        seen = []
        for i in range(len(expected)):
            self.get(port, "/resume%d" % i)
            seen.append(self.py.last_record().header("X-Reused"))
        self.assertEqual(seen, expected, protocol)
        samples = self.scrape(admin)
        self.assertEqual(sample(samples, "yoke_upstream_tls_handshakes_total",
                                upstream="backend"), len(expected))
        self.assertEqual(sample(samples, "yoke_upstream_tls_sessions_reused_total",
                                upstream="backend"), expected.count("r"))
        self.proxy.stop()
        self.backend.stop()

    def test_second_connection_resumes_tls13(self):
        self.check_resumption("TLSv1.3", True, [".", "r", "r", "r", "r"])

    def test_second_connection_resumes_tls12(self):
        self.check_resumption("TLSv1.2", True, [".", "r", "r", "r"])

    def test_session_reuse_off_never_resumes(self):
        self.check_resumption("TLSv1.3", False, [".", ".", "."])

    def test_bad_files_are_config_errors_and_a_reload_keeps_the_old_config(self):
        backend_port = self.start_tls_backend()
        port, admin = self.start_proxy(backend_port, self.verified())
        self.get(port, "/before")
        missing = os.path.join(self.certs, "missing.pem")
        config_path = os.path.join(self.certs, "proxy-bad.conf")
        bad = self.proxy_config(port, admin, backend_port,
                                "proxy_ssl_verify on;\n      proxy_ssl_trusted_certificate %s;"
                                % missing)
        with open(config_path, "w") as f:
            f.write(bad.replace("@ERRLOG@", os.path.join(self.certs, "t-error.log")))
        checked = run_yoke_cli(["-t", "-c", config_path])
        self.assertNotEqual(checked.returncode, 0)
        line = bad.split("\n").index("      proxy_ssl_trusted_certificate %s;" % missing) + 1
        self.assertIn("%s:%d:7: cannot read trusted certificates \"%s\"" % (config_path, line,
                                                                            missing),
                      checked.stderr)
        # A key that is not the certificate's, on reload: the old configuration keeps serving.
        mismatched = self.verified() + (" proxy_ssl_certificate %s; proxy_ssl_certificate_key %s;"
                                        % (self.client[0], self.ca[1]))
        text = with_event_method(self.proxy_config(port, admin, backend_port, mismatched),
                                 forced_event_method())
        with open(self.proxy.config_path + ".new", "w") as f:
            f.write(text.replace("@ERRLOG@", self.proxy.error_log_path))
        os.replace(self.proxy.config_path + ".new", self.proxy.config_path)
        self.proxy.signal(signal.SIGHUP)
        deadline = time.monotonic() + T(5)
        while "does not match certificate" not in self.proxy.error_log:
            self.assertLess(time.monotonic(), deadline, self.proxy.diagnostics())
            time.sleep(0.05)
        self.get(port, "/after-bad-reload")

    def probes(self):
        with self.py.lock:
            return [r for r in self.py.records if r.target == "/health-probe"]

    def test_health_checks_speak_tls_with_the_location_settings(self):
        backend_port = self.start_tls_backend()
        check = "health_check interval=100ms fails=1 passes=1 uri=/health-probe;"
        port, _ = self.start_proxy(backend_port, self.verified(), upstream_extra=check)
        deadline = time.monotonic() + T(5)
        while not self.probes():
            self.assertLess(time.monotonic(), deadline, self.proxy.diagnostics())
            time.sleep(0.05)
        probe = self.probes()[0]
        self.assertEqual(probe.header("X-Sni"), "backend.test")  # SNI and name as configured
        self.get(port, "/healthy")
        self.proxy.stop()
        # With a CA that did not sign the backend, the check's handshake fails: server down.
        port, _ = self.start_proxy(backend_port, self.verified(ca=self.rogue_ca),
                                   upstream_extra=check)
        deadline = time.monotonic() + T(5)
        while "is down" not in self.proxy.error_log:
            self.assertLess(time.monotonic(), deadline, self.proxy.diagnostics())
            time.sleep(0.05)
