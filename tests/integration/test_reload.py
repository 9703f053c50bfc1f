"""Configuration reload (issue 5 "Reload and upgrade", docs/architecture.md "Reload") with the
real `yoke` (two workers) and real demo backends: 20 reloads in a row under a steady load from
keep-alive clients that do not retry, changing upstream membership and weights, with one broken
configuration in the middle and listen ports added and removed: zero failed requests, the
broken one is reported with file:line:column while the old configuration keeps serving, new
servers get traffic; limit zones survive a reload; a certificate swapped on disk is served after
a reload, and a mismatched key keeps the old one; `yoke -s reload`; graceful stop answers a
keep-alive client's next request with Connection: close instead of closing under it."""

import os
import re
import signal
import socket
import ssl
import subprocess
import time

from harness import (HttpSession, RawClient, T, YokeTestCase, build_request, free_port,
                     http_request, port_refuses, run_yoke_cli, wait_for_port)
from steady_load import SteadyLoad, wait_for_log

from harness import Yoke

RELOADED = Yoke.RELOADED
FAILED = Yoke.RELOAD_FAILED


def config_text(port, admin, servers, extra_listens=(), broken=False, http_extra="",
                location_extra="", main_extra=""):
    """servers: (address, weight) pairs of upstream app."""
    upstream = "".join("    server %s weight=%d;\n" % pair for pair in servers)
    listens = "".join("    listen 127.0.0.1:%d;\n" % p for p in extra_listens)
    # The broken variant misspells a directive on line 8, column 5.
    typo = "    keepalive_timeoutt 10s;\n" if broken else "    keepalive 16;\n"
    return """worker_processes 2;
error_log @ERRLOG@ info;
%s
admin { listen 127.0.0.1:%d; }
http {
  %s
  upstream app {
%s%s  }
  server {
    listen 127.0.0.1:%d;
%s    location / { proxy_pass http://app; %s }
  }
}
""" % (main_extra, admin, http_extra, typo, upstream, port, listens, location_extra)


def scrape(admin):
    status, _, body = http_request(admin, "/metrics")
    assert status == 200, status
    return body.decode()


def sample(text, name, labels=""):
    match = re.search(r"^%s%s (\S+)$" % (re.escape(name), re.escape(labels)), text, re.M)
    return float(match.group(1)) if match else None


def requests_total(text):
    """Requests routed to upstream app: a series every configuration keeps (the series of a
    removed server end with it, so a sum over servers may shrink)."""
    return sample(text, "yoke_request_duration_seconds_count", '{upstream="app"}')


class ReloadTest(YokeTestCase):

    TEST_TIMEOUT = 120

    def reload(self, yoke, text, expect=RELOADED):
        """Reloads with text (Yoke.reload); the outcome must be expect. Returns (monotonic) when
        SIGHUP was sent and when the outcome was seen."""
        outcome, sent, seen = yoke.reload(text)
        self.assertEqual(outcome, expect, yoke.error_log[-3000:])
        return sent, seen

    def test_twenty_reloads_under_keepalive_load_fail_nothing(self):
        demo = self.start_demo("a", "b", "c", "d")
        port, admin, extra = free_port(), free_port(), free_port()
        a, b, c, d = (demo.address(n) for n in "abcd")
        # Membership and weights change on every reload; #10 is broken; #5-#14 add a listener.
        plans = [[(a, 1), (b, 1)], [(a, 1), (b, 1), (c, 1)], [(a, 3), (c, 1)], [(b, 1), (c, 2)],
                 [(a, 1), (b, 1), (c, 1), (d, 1)], [(d, 1), (a, 1)], [(b, 2), (d, 1)]]
        yoke = self.start_yoke(config_text(port, admin, plans[0]), port)
        load = SteadyLoad(port, clients=4, pause=0.003)
        self.addCleanup(load.stop)
        time.sleep(0.3)
        last_total = requests_total(scrape(admin))
        new_server_checks = []
        for i in range(1, 21):
            plan = plans[i % len(plans)]
            extra_listens = (extra,) if 5 <= i < 15 else ()
            if i == 10:
                at = self.reload(yoke, config_text(port, admin, plan, extra_listens, broken=True),
                                 expect=FAILED)
                self.assertRegex(yoke.error_log,
                                 r"reload failed, the running configuration is kept: "
                                 r"\S*yoke.conf:8:5: ")
            else:
                at = self.reload(yoke, config_text(port, admin, plan, extra_listens))
                new_server_checks.append((at, plan))
            if i == 5:
                self.assertTrue(wait_for_port(extra, T(5)), "the new listen port opened")
                with HttpSession(extra) as session:
                    self.assertEqual(session.request("/via-new-port")[0], 200)
            if i == 15:
                deadline = time.monotonic() + T(5)
                while not port_refuses(extra) and time.monotonic() < deadline:
                    time.sleep(0.05)
                self.assertTrue(port_refuses(extra), "the removed listen port closed")
            time.sleep(0.5)
            total = requests_total(scrape(admin))
            self.assertGreaterEqual(total, last_total, "yoke_requests_total went backwards")
            last_total = total
        time.sleep(0.3)
        load.stop()
        self.assertEqual(load.failures(), [], "failed requests during reloads")
        self.assertGreater(len(load.records), 1000)
        if os.environ.get("YOKE_IT_VERBOSE"):
            print("\n20 reloads: %d requests, %d failed" % (len(load.records),
                                                         len(load.failures())))
        # Every reload's servers answered after it, and only they. An answer is stamped when the
        # client thread records it, which on a busy machine may be well after Yoke sent it, so
        # the first 0.25 s after a reload are not judged.
        names = {demo.address(n): n for n in "abcd"}
        for index, ((_, at), plan) in enumerate(new_server_checks):
            end = new_server_checks[index + 1][0][0] if index + 1 < len(new_server_checks) else 1e9
            start = at - load.started + 0.25
            seen = load.counts(start, end - load.started)
            expected = {names[address] for address, _ in plan}
            self.assertEqual(set(seen) - expected, set(), (index, seen, expected))
            if end - at > 0.4:
                self.assertEqual(set(seen), expected, (index, seen, expected))
        text = scrape(admin)
        self.assertEqual(sample(text, "yoke_config_reloads_total", '{result="success"}'), 19)
        self.assertEqual(sample(text, "yoke_config_reloads_total", '{result="failure"}'), 1)
        self.assertEqual(sample(text, "yoke_config_last_reload_successful"), 1)

    def test_broken_reload_keeps_serving_and_sets_the_gauge(self):
        demo = self.start_demo("a", "b")
        port, admin = free_port(), free_port()
        yoke = self.start_yoke(config_text(port, admin, [(demo.address("a"), 1)]), port)
        loaded = sample(scrape(admin), "yoke_config_last_reload_success_timestamp_seconds")
        self.reload(yoke, config_text(port, admin, [(demo.address("b"), 1)], broken=True),
                    expect=FAILED)
        text = scrape(admin)
        self.assertEqual(sample(text, "yoke_config_last_reload_successful"), 0)
        self.assertEqual(sample(text, "yoke_config_last_reload_success_timestamp_seconds"), loaded)
        with HttpSession(port) as session:
            for _ in range(4):
                self.assertEqual(session.request("/")[1]["X-Backend"], "a")
        time.sleep(0.01)
        self.reload(yoke, config_text(port, admin, [(demo.address("b"), 1)]))
        text = scrape(admin)
        self.assertEqual(sample(text, "yoke_config_last_reload_successful"), 1)
        self.assertGreater(sample(text, "yoke_config_last_reload_success_timestamp_seconds"),
                           loaded)
        with HttpSession(port) as session:
            self.assertEqual(session.request("/")[1]["X-Backend"], "b")

    def test_limit_zone_state_survives_a_reload(self):
        demo = self.start_demo("a", "b")
        port, admin = free_port(), free_port()
        zone = "limit_req_zone $binary_remote_addr zone=z:1m rate=1r/m;"

        def text(address):
            return config_text(port, admin, [(address, 1)], http_extra=zone,
                               location_extra="limit_req zone=z;")
        yoke = self.start_yoke(text(demo.address("a")), port)
        self.assertEqual(http_request(port, "/")[0], 200)
        self.assertEqual(http_request(port, "/")[0], 429)
        self.reload(yoke, text(demo.address("b")))
        self.assertEqual(http_request(port, "/")[0], 429, "the zone's state was carried over")
        # A changed definition is a new zone.
        self.reload(yoke, text(demo.address("b")).replace("rate=1r/m", "rate=2r/m"))
        self.assertEqual(http_request(port, "/")[0], 200)

    def test_yoke_s_reload_reads_the_pid_file(self):
        demo = self.start_demo("a", "b")
        port, admin = free_port(), free_port()
        main = "pid @DIR@/yoke.pid;"
        yoke = self.start_yoke(config_text(port, admin, [(demo.address("a"), 1)],
                                           main_extra=main), port)
        yoke.write_config(config_text(port, admin, [(demo.address("b"), 1)], main_extra=main))
        result = run_yoke_cli(["-s", "reload", "-c", yoke.config_path])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIsNotNone(wait_for_log(yoke, RELOADED, T(5)))
        with HttpSession(port) as session:
            self.assertEqual(session.request("/")[1]["X-Backend"], "b")
        result = run_yoke_cli(["-s", "quit", "-c", yoke.config_path])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(yoke.wait(T(10)), 0)
        result = run_yoke_cli(["-s", "bogus", "-c", yoke.config_path])
        self.assertNotEqual(result.returncode, 0)

    def test_graceful_stop_answers_the_next_keepalive_request_with_close(self):
        demo = self.start_demo("a")
        port, admin = free_port(), free_port()
        yoke = self.start_yoke(config_text(port, admin, [(demo.address("a"), 1)],
                                           main_extra="worker_shutdown_timeout 10s;"), port)
        with RawClient(port) as client:
            client.send(build_request("GET", "/first"))
            self.assertEqual(client.read_response().status, 200)
            yoke.signal(signal.SIGTERM)
            time.sleep(0.3)  # the worker has begun to drain: listeners closed
            self.assertTrue(port_refuses(port))
            client.send(build_request("GET", "/second"))
            response = client.read_response()
            self.assertEqual(response.status, 200)
            self.assertEqual(response.header("connection"), "close")
        self.assertEqual(yoke.wait(T(10)), 0)


    def test_removed_listener_answers_its_keepalive_connection_with_close(self):
        demo = self.start_demo("a")
        port, admin, extra = free_port(), free_port(), free_port()
        servers = [(demo.address("a"), 1)]
        yoke = self.start_yoke(config_text(port, admin, servers, (extra,)), port)
        with RawClient(extra) as busy, RawClient(extra) as idle:
            for client in (busy, idle):
                client.send(build_request("GET", "/first"))
                self.assertEqual(client.read_response().status, 200)
            self.reload(yoke, config_text(port, admin, servers))
            self.assertTrue(port_refuses(extra))
            # Within the grace, the next request is answered, with Connection: close.
            busy.send(build_request("GET", "/second"))
            response = busy.read_response()
            self.assertEqual(response.status, 200)
            self.assertEqual(response.header("connection"), "close")
            # An idle one is closed after the grace (ClientConnection::kDrainIdleGrace, 1 s).
            idle.sock.settimeout(T(5))
            started = time.monotonic()
            self.assertEqual(idle.sock.recv(1), b"")
            self.assertGreater(time.monotonic() - started, 0.5)
        with HttpSession(port) as session:
            self.assertEqual(session.request("/")[0], 200)


    def test_binary_upgrade_under_keepalive_load_fails_nothing(self):
        demo = self.start_demo("a", "b")
        port, admin = free_port(), free_port()
        main = "pid @DIR@/yoke.pid;"
        servers = [(demo.address("a"), 1), (demo.address("b"), 1)]
        yoke = self.start_yoke(config_text(port, admin, servers, main_extra=main), port)
        load = SteadyLoad(port, clients=4, pause=0.003)
        self.addCleanup(load.stop)
        time.sleep(0.5)
        with open(os.path.join(yoke.dir, "new-stderr.txt"), "wb") as err:
            new = subprocess.Popen([yoke.binary, "-s", "upgrade", "-c", yoke.config_path],
                                   stdout=subprocess.DEVNULL, stderr=err,
                                   stdin=subprocess.DEVNULL, cwd=yoke.dir)
        self.addCleanup(lambda: new.poll() is None and (new.kill(), new.wait()))
        # The old process hands over, drains its keep-alive connections and exits.
        self.assertEqual(yoke.wait(T(20)), 0, yoke.error_log[-3000:])
        self.assertIn("upgrade: the new process serves on our sockets", yoke.error_log)
        handed_over = load.now()
        time.sleep(1.0)
        self.assertIsNone(new.poll(), "the new process serves")
        with open(os.path.join(yoke.dir, "yoke.pid")) as f:
            self.assertEqual(int(f.read()), new.pid)
        self.assertEqual(http_request(admin, "/healthz")[0], 200)
        load.stop()
        self.assertEqual(load.failures(), [], "failed requests during the upgrade")
        self.assertGreater(sum(load.counts(handed_over).values()), 50)
        if os.environ.get("YOKE_IT_VERBOSE"):
            print("\nupgrade: %d requests, %d failed" % (len(load.records),
                                                      len(load.failures())))
        # The new process stops like any other, and removes the pid file it wrote.
        new.send_signal(signal.SIGTERM)
        self.assertEqual(new.wait(T(15)), 0)
        self.assertFalse(os.path.exists(os.path.join(yoke.dir, "yoke.pid")))

    def test_upgrade_without_a_running_yoke_fails_clearly(self):
        folder = self.make_folder()
        path = os.path.join(folder, "yoke.conf")
        with open(path, "w") as f:
            f.write(config_text(free_port(), free_port(), [("127.0.0.1:9", 1)],
                                main_extra="pid %s/yoke.pid;" % folder)
                    .replace("@ERRLOG@", os.path.join(folder, "error.log")))
        result = run_yoke_cli(["-s", "upgrade", "-c", path])
        self.assertEqual(result.returncode, 1)
        self.assertIn("invalid PID number", result.stderr)

    def make_folder(self):
        import shutil
        import tempfile
        folder = tempfile.mkdtemp(prefix="yoke-upgrade-")
        self.addCleanup(shutil.rmtree, folder, True)
        return folder


class TlsReloadTest(YokeTestCase):

    TEST_TIMEOUT = 90

    def make_pair(self, folder, name, cn):
        key = os.path.join(folder, name + ".key")
        crt = os.path.join(folder, name + ".crt")
        import subprocess
        for args in (["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                      "-out", key],
                     ["req", "-x509", "-new", "-key", key, "-out", crt, "-days", "2", "-subj",
                      "/CN=%s" % cn, "-addext", "subjectAltName=DNS:a.test"]):
            subprocess.run(["openssl"] + args, check=True, capture_output=True, timeout=T(30))
        return crt, key

    def served_cn(self, port):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with socket.create_connection(("127.0.0.1", port), timeout=T(5)) as raw:
            with context.wrap_socket(raw, server_hostname="a.test") as tls:
                der = tls.getpeercert(binary_form=True)
        import subprocess
        text = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-subject"],
                              input=der, capture_output=True, timeout=T(10)).stdout.decode()
        return text.strip().rsplit("=", 1)[-1].strip()

    def test_certificate_swapped_on_disk_is_served_after_reload(self):
        demo = self.start_demo("a")
        port = free_port()
        config = """worker_processes 2;
error_log @ERRLOG@ info;
http {
  upstream app { server %s; }
  server {
    listen 127.0.0.1:%d ssl;
    server_name a.test;
    ssl_certificate @DIR@/site.crt;
    ssl_certificate_key @DIR@/site.key;
    location / { proxy_pass http://app; }
  }
}
""" % (demo.address("a"), port)
        import tempfile
        folder = tempfile.mkdtemp(prefix="yoke-reload-tls-")
        self.addCleanup(__import__("shutil").rmtree, folder, True)
        first = self.make_pair(folder, "first", "first.test")
        second = self.make_pair(folder, "second", "second.test")
        third = self.make_pair(folder, "third", "third.test")
        yoke = None

        def install(pair, target_dir):
            for source, suffix in zip(pair, (".crt", ".key")):
                with open(source, "rb") as f:
                    data = f.read()
                with open(os.path.join(target_dir, "site" + suffix + ".new"), "wb") as f:
                    f.write(data)
                os.replace(os.path.join(target_dir, "site" + suffix + ".new"),
                           os.path.join(target_dir, "site" + suffix))

        # The Yoke temp dir exists only once Yoke is built; write the first pair there first.
        from harness import Yoke
        yoke = Yoke(config, port)
        self.addCleanup(yoke.cleanup)
        install(first, yoke.dir)
        yoke.start()
        self.addCleanup(yoke.stop)
        self.assertEqual(self.served_cn(port), "first.test")
        # A TLS keep-alive connection open across the reload keeps working.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        raw = socket.create_connection(("127.0.0.1", port), timeout=T(5))
        tls = context.wrap_socket(raw, server_hostname="a.test")
        self.addCleanup(tls.close)
        tls.sendall(build_request("GET", "/before", headers=(("Host", "a.test"),)))
        self.assertIn(b"200", tls.recv(65536).split(b"\r\n")[0])
        install(second, yoke.dir)
        yoke.signal(signal.SIGHUP)
        self.assertIsNotNone(wait_for_log(yoke, RELOADED, T(10)))
        self.assertEqual(self.served_cn(port), "second.test")
        tls.sendall(build_request("GET", "/after", headers=(("Host", "a.test"),)))
        self.assertIn(b"200", tls.recv(65536).split(b"\r\n")[0])
        # A key that does not match the certificate: the reload fails, the old pair serves.
        with open(third[0], "rb") as f:
            data = f.read()
        with open(os.path.join(yoke.dir, "site.crt"), "wb") as f:
            f.write(data)
        yoke.signal(signal.SIGHUP)
        self.assertIsNotNone(wait_for_log(yoke, FAILED, T(10)))
        self.assertRegex(yoke.error_log, r"reload failed.*site\.(crt|key)")
        self.assertEqual(self.served_cn(port), "second.test")
