"""TLS termination (docs/configuration.md, "TLS"): handshakes, SNI, resumption, bodies, errors.

Certificates are made for each test class with the `openssl` command line in a temp dir: RSA and
ECDSA pairs for a.test, an ECDSA wildcard *.b.test, an RSA default.test for the default server.
The client is Python's ssl module, with every test certificate as a trust anchor so that the
peer certificate's subject can be read back.
"""

import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import warnings

from harness import (RawClient, T, WebSocketClient, YokeTestCase, build_request, free_port,
                     run_yoke_cli, upstream_block)


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=T(30),
                   stdin=subprocess.DEVNULL)


def make_pair(folder, name, subject, key_type):
    """A self-signed certificate NAME.crt and its key NAME.key; key_type is "rsa" or "ec"."""
    key = os.path.join(folder, name + ".key")
    crt = os.path.join(folder, name + ".crt")
    if key_type == "rsa":
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key)
    else:
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
    cn = dict(part.split("=", 1) for part in subject.strip("/").split("/"))["CN"]
    openssl("req", "-x509", "-new", "-key", key, "-out", crt, "-days", "2", "-subj", subject,
            "-addext", "subjectAltName=DNS:%s" % cn)
    return crt, key


def make_client_certificate(folder, name, subject, ca):
    """NAME.crt signed by ca (a (crt, key) pair), with its key NAME.key."""
    key = os.path.join(folder, name + ".key")
    csr = os.path.join(folder, name + ".csr")
    crt = os.path.join(folder, name + ".crt")
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
    openssl("req", "-new", "-key", key, "-out", csr, "-subj", subject)
    openssl("x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-CAcreateserial",
            "-out", crt, "-days", "2")
    return crt, key


def subject_of(tls_socket):
    """The peer certificate's subject as a dict (commonName, organizationName)."""
    subject = tls_socket.getpeercert()["subject"]
    return {key: value for part in subject for key, value in part}


class TlsClient(RawClient):
    """RawClient over TLS (same reading helpers)."""

    def __init__(self, port, context, server_name=None, session=None, timeout=None):
        self.timeout = timeout or T(5)
        raw = socket.create_connection(("127.0.0.1", port), timeout=self.timeout)
        try:
            self.sock = context.wrap_socket(raw, server_hostname=server_name, session=session)
        except BaseException:
            raw.close()
            raise
        self.sock.settimeout(self.timeout)
        self.buffer = b""


class TlsTest(YokeTestCase):

    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="yoke-tls-certs-")
        cls.a_rsa = make_pair(cls.certs, "a-rsa", "/O=rsa/CN=a.test", "rsa")
        cls.a_ecdsa = make_pair(cls.certs, "a-ecdsa", "/O=ecdsa/CN=a.test", "ec")
        cls.b_wild = make_pair(cls.certs, "b-wild", "/O=wild/CN=*.b.test", "ec")
        cls.default = make_pair(cls.certs, "default", "/O=default/CN=default.test", "rsa")
        cls.client_ca = make_pair(cls.certs, "client-ca", "/O=yoke-test/CN=client-ca", "ec")
        cls.client = make_client_certificate(cls.certs, "client", "/O=yoke-test/CN=alice",
                                             cls.client_ca)
        cls.rogue_ca = make_pair(cls.certs, "rogue-ca", "/O=rogue/CN=rogue-ca", "ec")
        cls.rogue = make_client_certificate(cls.certs, "rogue", "/O=rogue/CN=mallory",
                                            cls.rogue_ca)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs, ignore_errors=True)

    def client_context(self, minimum=None, maximum=None, ciphers=None):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        for crt, _ in (self.a_rsa, self.a_ecdsa, self.b_wild, self.default):
            context.load_verify_locations(cafile=crt)
        with warnings.catch_warnings():  # TLS 1.1 is deprecated in Python: that is the point
            warnings.simplefilter("ignore", DeprecationWarning)
            if minimum is not None:
                context.minimum_version = minimum
            if maximum is not None:
                context.maximum_version = maximum
        if ciphers is not None:
            context.set_ciphers(ciphers)
        return context

    def config(self, port, upstream, workers=1, default_extra="", a_extra="", http_extra=""):
        """Three servers on one TLS port: default (first), a.test (RSA + ECDSA), *.b.test."""
        location = ("location / { proxy_pass http://app; "
                    "proxy_set_header X-Forwarded-Proto $scheme; "
                    "proxy_set_header X-Tls \"$ssl_protocol|$ssl_cipher|$ssl_server_name|"
                    "$ssl_session_reused\"; }")
        return """worker_processes %d;
error_log @ERRLOG@ info;
http {
  client_max_body_size 0;
  %s
  %s
  server {
    listen 127.0.0.1:%d ssl;
    server_name default.test;
    ssl_certificate %s;
    ssl_certificate_key %s;
    %s
    %s
  }
  server {
    listen 127.0.0.1:%d ssl;
    server_name a.test;
    ssl_certificate %s;
    ssl_certificate_key %s;
    ssl_certificate %s;
    ssl_certificate_key %s;
    %s
    %s
  }
  server {
    listen 127.0.0.1:%d ssl;
    server_name *.b.test;
    ssl_certificate %s;
    ssl_certificate_key %s;
    %s
  }
}
""" % (workers, http_extra, upstream_block("app", [upstream]), port, self.default[0],
       self.default[1], default_extra, location, port, self.a_rsa[0], self.a_rsa[1],
       self.a_ecdsa[0], self.a_ecdsa[1], a_extra, location, port, self.b_wild[0],
       self.b_wild[1], location)

    def start_tls_proxy(self, upstream, **kwargs):
        port = free_port()
        self.yoke = self.start_yoke(self.config(port, upstream, **kwargs), port)
        return port

    def get(self, client, path, host="a.test"):
        client.send(build_request("GET", path, [("Host", host)]))
        response = client.read_response()
        self.assertEqual(response.status, 200, "%s: %r%s" % (path, response,
                                                             self.yoke.diagnostics()))
        return response

    # ---------------------------------------------------------------------------------------

    def test_keepalive_requests_through_tls_with_variables(self):
        backend = self.start_py_backend("py")
        port = self.start_tls_proxy(backend.address)
        with TlsClient(port, self.client_context(), "a.test") as client:
            self.assertEqual(client.sock.selected_alpn_protocol(), None)  # none offered
            for i in range(5):
                self.get(client, "/k%d" % i)
                record = backend.last_record()
                self.assertEqual(record.header("X-Forwarded-Proto"), "https")
                protocol, cipher, name, reused = record.header("X-Tls").split("|")
                self.assertEqual(protocol, client.sock.version())
                self.assertEqual(cipher, client.sock.cipher()[0])
                self.assertEqual(name, "a.test")
                self.assertEqual(reused, ".")
        self.assertEqual(backend.counts()["requests"], 5)

    def test_alpn_offers_http11(self):
        backend = self.start_py_backend("py")
        port = self.start_tls_proxy(backend.address)
        context = self.client_context()
        context.set_alpn_protocols(["h2", "http/1.1"])
        with TlsClient(port, context, "a.test") as client:
            self.assertEqual(client.sock.selected_alpn_protocol(), "http/1.1")
            self.get(client, "/alpn")
        only_h2 = self.client_context()
        only_h2.set_alpn_protocols(["h2"])
        with self.assertRaises(ssl.SSLError) as refused:
            TlsClient(port, only_h2, "a.test")
        self.assertIn("no application protocol", str(refused.exception))

    def test_sni_picks_the_certificate(self):
        backend = self.start_py_backend("py")
        port = self.start_tls_proxy(backend.address)
        cases = [("a.test", "a.test"), ("x.b.test", "*.b.test"), ("deep.x.b.test", "*.b.test"),
                 ("unknown.test", "default.test"), (None, "default.test")]
        for server_name, expected in cases:
            with TlsClient(port, self.client_context(), server_name) as client:
                self.assertEqual(subject_of(client.sock)["commonName"], expected, server_name)
                self.get(client, "/sni")

    def test_rsa_and_ecdsa_pairs_chosen_by_client_capabilities(self):
        backend = self.start_py_backend("py")
        port = self.start_tls_proxy(backend.address)
        for cipher, organization in (("ECDHE-RSA-AES128-GCM-SHA256", "rsa"),
                                     ("ECDHE-ECDSA-AES128-GCM-SHA256", "ecdsa")):
            context = self.client_context(maximum=ssl.TLSVersion.TLSv1_2, ciphers=cipher)
            with TlsClient(port, context, "a.test") as client:
                self.assertEqual(subject_of(client.sock)["organizationName"], organization)
                self.assertEqual(client.sock.cipher()[0], cipher)
                self.get(client, "/pair")
        # TLS 1.3 lets signature algorithms decide; Python offers ECDSA first.
        with TlsClient(port, self.client_context(), "a.test") as client:
            self.assertEqual(client.sock.version(), "TLSv1.3")
            self.assertIn(subject_of(client.sock)["organizationName"], ("rsa", "ecdsa"))

    def test_reject_handshake_refuses_unknown_names(self):
        backend = self.start_py_backend("py")
        port = free_port()
        config = self.config(port, backend.address, default_extra="ssl_reject_handshake on;")
        # The default server rejects: it needs no certificate then.
        config = config.replace("    ssl_certificate %s;\n    ssl_certificate_key %s;\n"
                                "    ssl_reject_handshake on;" % self.default,
                                "    ssl_reject_handshake on;")
        self.assertNotIn(self.default[0], config)
        self.yoke = self.start_yoke(config, port)
        for server_name in ("unknown.test", None):
            with self.assertRaises(ssl.SSLError) as refused:
                TlsClient(port, self.client_context(), server_name)
            self.assertIn("UNRECOGNIZED_NAME", str(refused.exception))
        with TlsClient(port, self.client_context(), "a.test") as client:
            self.get(client, "/known")
        with TlsClient(port, self.client_context(), "z.b.test") as client:
            self.get(client, "/wild")
        self.assertIn("TLS handshake failed: rejected_name", self.yoke.error_log)

    def test_tls11_refused_by_default_and_allowed_when_configured(self):
        backend = self.start_py_backend("py")
        old = dict(minimum=ssl.TLSVersion.TLSv1_1, maximum=ssl.TLSVersion.TLSv1_1,
                   ciphers="DEFAULT:@SECLEVEL=0")
        port = self.start_tls_proxy(backend.address)
        with self.assertRaises(ssl.SSLError) as refused:
            TlsClient(port, self.client_context(**old), "a.test")
        self.assertIn("PROTOCOL_VERSION", str(refused.exception))
        for version in ("TLSv1.2", "TLSv1.3"):
            level = getattr(ssl.TLSVersion, version.replace(".", "_"))
            with TlsClient(port, self.client_context(minimum=level, maximum=level),
                           "a.test") as client:
                self.assertEqual(client.sock.version(), version)
                self.get(client, "/v")
        # One worker: it logged the refusal before it served these.
        self.assertIn("TLS handshake failed: protocol", self.yoke.error_log)
        self.yoke.stop()
        # The same client succeeds where TLS 1.1 is enabled: the refusal above was the server's.
        port = free_port()
        self.yoke = self.start_yoke(self.config(
            port, backend.address, a_extra="ssl_protocols TLSv1.1 TLSv1.2;\n"
            "    ssl_ciphers DEFAULT:@SECLEVEL=0;"), port)
        with TlsClient(port, self.client_context(**old), "a.test") as client:
            self.assertEqual(client.sock.version(), "TLSv1.1")
            self.get(client, "/old")

    def check_resumption(self, workers, maximum=None, attempts=16, a_extra="", http_extra="",
                         expected=True):
        backend = self.start_py_backend("py")
        port = self.start_tls_proxy(backend.address, workers=workers, a_extra=a_extra,
                                    http_extra=http_extra)
        context = self.client_context(maximum=maximum)
        with TlsClient(port, context, "a.test") as first:
            self.get(first, "/first")  # TLS 1.3 tickets arrive after the handshake
            session = first.sock.session
            self.assertFalse(first.sock.session_reused)
        self.assertIsNotNone(session)
        for i in range(attempts):
            with TlsClient(port, context, "a.test", session=session) as client:
                self.assertEqual(client.sock.session_reused, expected, "connection %d" % i)
                self.get(client, "/again%d" % i)
                reused = backend.last_record().header("X-Tls").split("|")[3]
                self.assertEqual(reused, "r" if expected else ".")

    def test_session_id_resumption_from_the_worker_cache(self):
        # Tickets off: TLS 1.2 resumes by session ID from the (one) worker's cache. OpenSSL keeps
        # sessions in the context the handshake began with, the address's default server's, so
        # the cache is set for every server (http level).
        self.check_resumption(workers=1, maximum=ssl.TLSVersion.TLSv1_2, attempts=4,
                              a_extra="ssl_session_tickets off;",
                              http_extra="ssl_session_cache builtin:100;")

    def test_no_resumption_without_tickets_or_cache(self):
        # ...and without a cache (nginx's default "none") nothing resumes.
        self.check_resumption(workers=1, maximum=ssl.TLSVersion.TLSv1_2, attempts=2,
                              a_extra="ssl_session_tickets off;", expected=False)

    def test_session_resumption_tls13_across_two_workers(self):
        # SO_REUSEPORT spreads the 16 connections over both workers (all on the first worker:
        # probability 2^-16), and each must resume: the ticket keys are shared.
        self.check_resumption(workers=2)

    def test_session_resumption_tls12_across_two_workers(self):
        self.check_resumption(workers=2, maximum=ssl.TLSVersion.TLSv1_2)

    def test_large_bodies_up_and_down(self):
        demo = self.start_demo("echo")
        port = self.start_tls_proxy(demo.address("echo"))
        size = 6 * 1024 * 1024
        with TlsClient(port, self.client_context(), "a.test", timeout=T(30)) as client:
            response = self.get(client, "/bytes/%d" % size)
            self.assertEqual(response.body, b"x" * size)
            # A chunked upload is echoed once complete, so one thread can send, then read.
            body = os.urandom(size)
            chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 65536]), body[i:i + 65536])
                              for i in range(0, size, 65536))
            client.send(build_request("POST", "/echo", [("Host", "a.test"),
                                                        ("Transfer-Encoding", "chunked")])
                        + chunks + b"0\r\n\r\n")
            response = client.read_response(timeout=T(30))
            self.assertEqual(response.status, 200)
            self.assertEqual(response.body, body)
            self.get(client, "/after")  # the connection stays usable

    def test_websocket_tunnel_through_tls(self):
        backend = self.start_py_backend("py")
        port = free_port()
        config = self.config(port, backend.address).replace(
            "location / { proxy_pass http://app; ",
            "location / { proxy_pass http://app; proxy_set_header Upgrade $http_upgrade; "
            "proxy_set_header Connection \"upgrade\"; ", 1)
        self.yoke = self.start_yoke(config, port)
        with TlsClient(port, self.client_context(), "default.test") as client:
            client.send(build_request("GET", "/ws", [
                ("Host", "default.test"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
                ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                ("Sec-WebSocket-Version", "13")]))
            response = client.read_response()
            self.assertEqual(response.status, 101, response)
            tunnel = WebSocketClient(client)
            # 150 KiB spans many TLS records both ways.
            for opcode, payload in ((0x1, b"hello"), (0x2, os.urandom(150 * 1024))):
                tunnel.send(payload, opcode)
                self.assertEqual(tunnel.receive(T(5)), (opcode, payload))
            tunnel.send(b"\x03\xe8", 0x8)
            self.assertEqual(tunnel.receive(T(5)), (0x8, b"\x03\xe8"))
            self.assertTrue(client.wait_closed(T(5)))

    def test_plain_http_on_tls_port_gets_400(self):
        backend = self.start_py_backend("py")
        port = self.start_tls_proxy(backend.address)
        with RawClient(port) as client:
            client.send(build_request("GET", "/plain", [("Host", "a.test")]))
            response = client.read_response()
            self.assertEqual(response.status, 400)
            self.assertIn(b"plain HTTP request was sent to HTTPS port", response.body)
            self.assertTrue(client.wait_closed(T(2)))
        self.assertEqual(backend.counts()["requests"], 0)
        self.assertIn("TLS handshake failed: plain_http", self.yoke.error_log)

    def test_garbage_and_stalled_handshakes_are_closed_and_logged(self):
        backend = self.start_py_backend("py")
        port = self.start_tls_proxy(backend.address, http_extra="client_header_timeout 1s;")
        with RawClient(port) as client:
            client.send(b"\x16\x03\x01\x00\x05garbage-not-a-client-hello")
            self.assertTrue(client.wait_closed(T(2)))
        with RawClient(port) as client:
            self.assertTrue(client.wait_closed(T(4)))  # silent: client_header_timeout
        with TlsClient(port, self.client_context(), "a.test") as client:
            self.get(client, "/still-serving")
        log = self.yoke.error_log
        self.assertIn("TLS handshake failed: timeout (client_header_timeout expired)", log)
        self.assertIn("TLS handshake failed: other", log)  # the garbage ClientHello
        self.assertIn("TLS handshake failed: closed", log)  # the harness's readiness probe

    def start_client_verifying_proxy(self, mode):
        backend = self.start_py_backend("py")
        a_extra = ("ssl_verify_client %s;\n    ssl_client_certificate %s;\n"
                   % (mode, self.client_ca[0]))
        port = free_port()
        config = self.config(port, backend.address, a_extra=a_extra)
        config = config.replace("$ssl_session_reused\";", "$ssl_session_reused\"; "
                                "proxy_set_header X-Client \"$ssl_client_verify|$ssl_client_s_dn\";")
        self.yoke = self.start_yoke(config, port)
        return port, backend

    def assert_refused(self, port, context):
        """The handshake (or, in TLS 1.3, the first read after it) fails."""
        with self.assertRaises((ssl.SSLError, ConnectionError, OSError)):
            with TlsClient(port, context, "a.test") as client:
                client.send(build_request("GET", "/refused", [("Host", "a.test")]))
                client.read_response()

    def test_client_certificates_required(self):
        port, backend = self.start_client_verifying_proxy("on")
        good = self.client_context()
        good.load_cert_chain(*self.client)
        with TlsClient(port, good, "a.test") as client:
            self.get(client, "/with-cert")
        self.assertEqual(backend.last_record().header("X-Client"),
                         "SUCCESS|CN=alice,O=yoke-test")
        self.assert_refused(port, self.client_context())  # no certificate
        rogue = self.client_context()
        rogue.load_cert_chain(*self.rogue)
        self.assert_refused(port, rogue)  # signed by a CA not in ssl_client_certificate
        self.assertEqual(backend.counts()["requests"], 1)
        # Other servers on the address do not ask for certificates.
        with TlsClient(port, self.client_context(), "x.b.test") as client:
            self.get(client, "/no-cert-needed", host="x.b.test")

    def test_client_certificates_optional(self):
        port, backend = self.start_client_verifying_proxy("optional")
        with TlsClient(port, self.client_context(), "a.test") as client:
            self.get(client, "/anonymous")
        self.assertEqual(backend.last_record().header("X-Client"), "NONE|")
        good = self.client_context()
        good.load_cert_chain(*self.client)
        with TlsClient(port, good, "a.test") as client:
            self.get(client, "/known")
        self.assertEqual(backend.last_record().header("X-Client"),
                         "SUCCESS|CN=alice,O=yoke-test")

    def make_ocsp_response(self, folder):
        """A CA, a.test's certificate signed by it, and a DER OCSP response saying "good" for it
        (openssl ocsp as the responder, from an index file)."""
        ca = make_pair(folder, "ocsp-ca", "/O=ocsp/CN=ocsp-ca", "ec")
        leaf = make_client_certificate(folder, "stapled", "/O=stapled/CN=a.test", ca)
        serial = subprocess.run(["openssl", "x509", "-in", leaf[0], "-noout", "-serial"],
                                check=True, capture_output=True, text=True).stdout
        index = os.path.join(folder, "index.txt")
        with open(index, "w") as f:
            f.write("V\t391231000000Z\t\t%s\tunknown\t/O=stapled/CN=a.test\n"
                    % serial.strip().split("=", 1)[1])
        request = os.path.join(folder, "request.der")
        response = os.path.join(folder, "response.der")
        openssl("ocsp", "-issuer", ca[0], "-cert", leaf[0], "-no_nonce", "-reqout", request)
        openssl("ocsp", "-index", index, "-rsigner", ca[0], "-rkey", ca[1], "-CA", ca[0],
                "-reqin", request, "-respout", response, "-ndays", "1")
        return leaf, response

    def s_client_status(self, port, server_name):
        result = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
                                 "-servername", server_name, "-status"],
                                capture_output=True, text=True, timeout=T(10),
                                stdin=subprocess.DEVNULL)
        return result.stdout

    def test_ocsp_response_stapled_from_file(self):
        folder = tempfile.mkdtemp(prefix="yoke-tls-ocsp-")
        self.addCleanup(shutil.rmtree, folder, True)
        leaf, response = self.make_ocsp_response(folder)
        backend = self.start_py_backend("py")
        port = free_port()
        config = self.config(port, backend.address)
        config = config.replace(
            "    ssl_certificate %s;\n    ssl_certificate_key %s;\n"
            "    ssl_certificate %s;\n    ssl_certificate_key %s;\n" % (self.a_rsa + self.a_ecdsa),
            "    ssl_certificate %s;\n    ssl_certificate_key %s;\n"
            "    ssl_stapling on;\n    ssl_stapling_file %s;\n" % (leaf + (response,)))
        self.assertIn("ssl_stapling_file", config)
        self.yoke = self.start_yoke(config, port)
        stapled = self.s_client_status(port, "a.test")
        self.assertIn("OCSP Response Status: successful", stapled)
        self.assertIn("Cert Status: good", stapled)
        self.assertIn("stapled", stapled)  # the certificate the response is about
        self.assertIn("OCSP response: no response sent", self.s_client_status(port, "x.b.test"))

    def test_mismatched_or_missing_key_is_a_config_error_naming_the_file(self):
        folder = tempfile.mkdtemp(prefix="yoke-tls-conf-")
        self.addCleanup(shutil.rmtree, folder, True)
        path = os.path.join(folder, "yoke.conf")
        cases = [
            (self.a_rsa[0], self.b_wild[1], 'does not match certificate "%s"' % self.a_rsa[0]),
            (self.a_rsa[0], os.path.join(folder, "missing.key"), "cannot read certificate key"),
            (self.a_rsa[1], self.a_rsa[1], "cannot load certificate"),
        ]
        for crt, key, message in cases:
            with open(path, "w") as f:
                f.write("http {\n  server {\n    listen 127.0.0.1:1 ssl;\n"
                        "    ssl_certificate %s;\n    ssl_certificate_key %s;\n  }\n}\n"
                        % (crt, key))
            result = run_yoke_cli(["-t", "-c", path])
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn(message, result.stderr)
            # The directive that named the failing file, as file:line:column.
            line = 4 if message == "cannot load certificate" else 5
            self.assertIn("%s:%d:5: " % (path, line), result.stderr)
