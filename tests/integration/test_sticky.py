"""Session affinity with `sticky cookie` (issue 4), with the real `yoke` (2 workers) and real
demo backends, one process each so that one can be killed: a client without the cookie gets
Set-Cookie and then stays on its backend across keep-alive and new connections (which the
kernel spreads over both workers), across a restart and under other policies; when its backend
dies it is served elsewhere and re-stuck; unknown cookies are ignored; the cookie's attributes
are exactly those configured; the Cookie field reaches the backend unchanged."""

import calendar
import email.utils
import json
import os
import re
import shutil
import tempfile
import time

from harness import (T, HttpSession, YokeTestCase, free_port, http_request, make_config,
                     run_yoke_cli, upstream_block)

NAMES = ("a", "b", "c")
VALUE = re.compile(r"^[0-9a-f]{16}$")


def set_cookies(headers):
    return headers.get_all("Set-Cookie") or []


class StickyTest(YokeTestCase):

    TEST_TIMEOUT = 90

    def start_backends(self, names=NAMES):
        """One yoke-demo-backend process per name: {name: DemoBackends}."""
        return {name: self.start_demo(name) for name in names}

    def start_proxy(self, addresses, sticky="sticky cookie srv;", policy="", workers=2,
                    port=None):
        port = port or free_port()
        extra = "%s\n    %s\n    keepalive 8;" % (sticky, policy)
        config = make_config(port, "    location / { proxy_pass http://app; }\n",
                             upstreams=upstream_block("app", addresses, extra))
        config = config.replace("worker_processes 1;", "worker_processes %d;" % workers)
        return self.start_yoke(config, port), port

    def get(self, port, cookie=None, path="/", session=None):
        """(status, backend, Set-Cookie values) of one GET, on session or a new connection."""
        headers = {"Cookie": cookie} if cookie is not None else {}
        if session is not None:
            status, response_headers, _ = session.request(path, headers=headers)
        else:
            status, response_headers, _ = http_request(port, path, headers=headers)
        return status, response_headers.get("X-Backend"), set_cookies(response_headers)

    def first_visit(self, port, name="srv"):
        """A request without cookie: (backend, cookie value) from its Set-Cookie."""
        status, backend, cookies = self.get(port)
        self.assertEqual(status, 200)
        self.assertEqual(len(cookies), 1, cookies)
        match = re.fullmatch(r"%s=([0-9a-f]{16})" % name, cookies[0])
        self.assertIsNotNone(match, cookies)
        return backend, match.group(1)

    def assert_stuck(self, port, cookie, backend, count, set_cookie=False):
        """count requests with cookie, alternating a keep-alive connection and new ones: every
        one answered by backend, with Set-Cookie only when set_cookie."""
        with HttpSession(port) as session:
            for i in range(count):
                status, answered, cookies = self.get(
                    port, cookie, "/r%d" % i, session if i % 2 else None)
                self.assertEqual((status, answered), (200, backend), (i, cookie))
                self.assertEqual(bool(cookies), set_cookie, (i, cookies))

    # ---------------------------------------------------------------------------------------

    def test_client_stays_on_its_backend_across_connections_and_workers(self):
        backends = self.start_backends()
        _, port = self.start_proxy([backends[n].address(n) for n in NAMES])

        first_backend, first_value = self.first_visit(port)
        self.assertIn(first_backend, NAMES)
        self.assert_stuck(port, "srv=" + first_value, first_backend, 50)

        # Other clients are spread by the policy: one of them lands on another backend, gets
        # another value and stays there too.
        for _ in range(30):
            other_backend, other_value = self.first_visit(port)
            if other_backend != first_backend:
                break
        self.assertNotEqual(other_backend, first_backend)
        self.assertNotEqual(other_value, first_value)
        self.assert_stuck(port, "srv=" + other_value, other_backend, 20)
        # Among other cookies, in any position.
        self.assert_stuck(port, "theme=dark; srv=%s; lang=en" % other_value, other_backend, 4)

        # Each backend's value is the same in both workers: 30 new connections, each a first
        # visit, give one value per backend.
        values = {}
        for _ in range(30):
            backend, value = self.first_visit(port)
            values.setdefault(backend, set()).add(value)
        self.assertEqual(set(values), set(NAMES), values)
        for backend, seen in values.items():
            self.assertEqual(len(seen), 1, (backend, seen))
        self.assertEqual(values[first_backend], {first_value})

    def test_values_survive_a_restart(self):
        backends = self.start_backends()
        addresses = [backends[n].address(n) for n in NAMES]
        yoke, port = self.start_proxy(addresses)
        backend, value = self.first_visit(port)
        yoke.stop()
        # Same servers listed in another order, one worker: another process, the same values.
        self.start_proxy(list(reversed(addresses)), workers=1, port=port)
        self.assert_stuck(port, "srv=" + value, backend, 10)

    def test_dead_backend_moves_the_client_and_re_sticks_it(self):
        backends = self.start_backends()
        _, port = self.start_proxy([backends[n].address(n) for n in NAMES])
        old_backend, old_value = self.first_visit(port)
        # Warm the keep-alive pools of both workers with the old backend.
        self.assert_stuck(port, "srv=" + old_value, old_backend, 10)

        backends[old_backend].kill()
        status, new_backend, cookies = self.get(port, "srv=" + old_value)
        self.assertEqual(status, 200)
        self.assertIn(new_backend, NAMES)
        self.assertNotEqual(new_backend, old_backend)
        self.assertEqual(len(cookies), 1, cookies)
        new_value = re.fullmatch(r"srv=([0-9a-f]{16})", cookies[0]).group(1)
        self.assertNotEqual(new_value, old_value)

        # The new cookie holds (in both workers, keep-alive or not).
        self.assert_stuck(port, "srv=" + new_value, new_backend, 20)
        # A client still sending the old cookie is served by a live backend and re-stuck.
        for i in range(10):
            status, backend, cookies = self.get(port, "srv=" + old_value, "/old%d" % i)
            self.assertEqual(status, 200)
            self.assertNotEqual(backend, old_backend)
            self.assertEqual(len(cookies), 1, cookies)

    def test_retry_to_another_backend_re_sticks(self):
        """A bound backend that answers 500 while proxy_next_upstream lists http_500: the
        request is passed to another backend, and its answer re-binds the client."""
        backends = self.start_backends()
        port = free_port()
        config = make_config(
            port, "    location / {\n      proxy_pass http://app;\n"
                  "      proxy_next_upstream error timeout http_500;\n    }\n",
            upstreams=upstream_block("app", [backends[n].address(n) for n in NAMES],
                                     "sticky cookie srv;"))
        self.start_yoke(config, port)
        old_backend, old_value = self.first_visit(port)
        status, _, body = http_request(backends[old_backend].port(old_backend),
                                       "/__control?fail=1")
        self.assertEqual(status, 200, body)
        status, new_backend, cookies = self.get(port, "srv=" + old_value)
        self.assertEqual(status, 200)
        self.assertNotEqual(new_backend, old_backend)
        self.assertEqual(len(cookies), 1, cookies)
        new_value = re.fullmatch(r"srv=([0-9a-f]{16})", cookies[0]).group(1)
        self.assertNotEqual(new_value, old_value)
        self.assert_stuck(port, "srv=" + new_value, new_backend, 10)

    def test_unknown_or_malformed_cookies_are_ignored(self):
        backends = self.start_backends()
        _, port = self.start_proxy([backends[n].address(n) for n in NAMES])
        _, known = self.first_visit(port)
        for cookie in ("srv=garbage", "srv=", "srv", "srv=0123456789abcdef",
                       "srv=%s0" % known, "srv=%s" % known[:15], "srv=%sx" % known[:-1],
                       "other=%s" % known, "SRV=%s" % known, "srv=\"%s" % known):
            with self.subTest(cookie=cookie):
                status, backend, cookies = self.get(port, cookie)
                self.assertEqual(status, 200)
                self.assertIn(backend, NAMES)
                self.assertEqual(len(cookies), 1, cookies)
                self.assertRegex(cookies[0], r"^srv=[0-9a-f]{16}$")

    def test_cookie_field_reaches_the_backend_unchanged(self):
        backend = self.start_py_backend("py")
        _, port = self.start_proxy([backend.address])
        _, value = self.first_visit(port)
        sent = "a=1;srv=%s;  b=\"two words\"" % value
        status, headers, body = http_request(port, "/inspect", headers={"Cookie": sent})
        self.assertEqual(status, 200)
        self.assertEqual(set_cookies(headers), [])
        fields = [v for n, v in json.loads(body)["headers"] if n.lower() == "cookie"]
        self.assertEqual(fields, [sent])

    def test_attributes_are_exactly_those_configured(self):
        backends = self.start_backends()
        addresses = [backends[n].address(n) for n in NAMES]
        _, port = self.start_proxy(
            addresses, "sticky cookie route expires=1h domain=.example.com path=/ httponly "
                       "secure samesite=strict;")
        before = time.time()
        status, backend, cookies = self.get(port)
        after = time.time()
        self.assertEqual(status, 200)
        self.assertEqual(len(cookies), 1, cookies)
        match = re.fullmatch(r"route=([0-9a-f]{16}); Expires=([^;]+); Max-Age=3600; "
                             r"Domain=\.example\.com; Path=/; HttpOnly; Secure; SameSite=Strict",
                             cookies[0])
        self.assertIsNotNone(match, cookies[0])
        expires = calendar.timegm(email.utils.parsedate(match.group(2)))
        self.assertEqual(email.utils.formatdate(expires, usegmt=True), match.group(2))
        self.assertGreaterEqual(expires, int(before) + 3600)
        self.assertLessEqual(expires, int(after) + 3600 + 1)
        # expires=TIME slides: every response renews the cookie, stuck or not.
        self.assert_stuck(port, "route=" + match.group(1), backend, 6, set_cookie=True)

    def test_expires_max_and_session_cookies_are_set_once(self):
        backends = self.start_backends(("a", "b"))
        addresses = [backends[n].address(n) for n in ("a", "b")]
        for sticky, attributes in (
                ("sticky cookie s expires=max samesite=lax;",
                 "; Expires=Thu, 31 Dec 2037 23:55:55 GMT; Max-Age=315360000; SameSite=Lax"),
                ("sticky cookie s path=/app;", "; Path=/app")):
            with self.subTest(sticky=sticky):
                yoke, port = self.start_proxy(addresses, sticky)
                status, backend, cookies = self.get(port)
                self.assertEqual(status, 200)
                self.assertEqual(len(cookies), 1, cookies)
                value = cookies[0][len("s="):len("s=") + 16]
                self.assertRegex(value, VALUE)
                self.assertEqual(cookies[0], "s=" + value + attributes)
                self.assert_stuck(port, "s=" + value, backend, 6, set_cookie=False)
                yoke.stop()

    def test_sticky_overrides_any_policy(self):
        backends = self.start_backends()
        addresses = [backends[n].address(n) for n in NAMES]
        for policy in ("least_conn;", "hash $request_uri;", "hash $request_uri consistent;",
                       "random two;", "ewma;", "adaptive;"):
            with self.subTest(policy=policy):
                yoke, port = self.start_proxy(addresses, policy=policy)
                # Different URIs: a hash policy alone would spread them over the backends.
                backend, value = self.first_visit(port)
                self.assert_stuck(port, "srv=" + value, backend, 30)
                yoke.stop()

    def test_config_check_rejects_bad_sticky(self):
        directory = tempfile.mkdtemp(prefix="yoke-it-")
        self.addCleanup(shutil.rmtree, directory, True)
        cases = (
            ("sticky cookie a;\n    sticky cookie b;",
             "yoke.conf:5:5: \"sticky\" directive is duplicate, first set at %s/yoke.conf:4:5"),
            ("sticky cookie a samesite=sometimes;",
             "yoke.conf:4:21: invalid value \"samesite=sometimes\" in \"sticky\" directive"),
            ("sticky cookie a expires=soon;",
             "yoke.conf:4:21: invalid value \"expires=soon\" in \"sticky\" directive"),
            ("sticky cookie a max-age=10;",
             "yoke.conf:4:21: invalid parameter \"max-age=10\" in \"sticky\" directive"),
            ("sticky route $x;", "yoke.conf:4:12: sticky method \"route\" is not supported"),
        )
        path = os.path.join(directory, "yoke.conf")
        for sticky, expected in cases:
            with self.subTest(sticky=sticky):
                with open(path, "w") as f:
                    f.write("http {\n  server { listen 127.0.0.1:1; location / { proxy_pass "
                            "http://app; } }\n  upstream app {\n    %s\n    server "
                            "127.0.0.1:8;\n  }\n}\n" % sticky)
                result = run_yoke_cli(["-t", "-c", path])
                self.assertNotEqual(result.returncode, 0)
                message = expected % directory if "%s" in expected else expected
                self.assertIn(message, result.stderr)
