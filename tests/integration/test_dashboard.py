"""The live views (docs/dashboard.md): /api/v1/stats agrees with /metrics and with what the
backends counted; /dashboard is served without the token while the API needs it; and in real
headless Chromium (over the DevTools protocol, cdp.py) the page, fed by steady traffic over three
demo backends, asks for the token, then shows non-zero requests/s, share and p50/p99 for every
server, flags the slow one and puts the one whose health check fails first as "down", handles
the drain button whether or not the runtime API exists, logs no console error, and leaves a
screenshot in the test's output folder (harness.output_dir)."""

import base64
import json
import os
import time

from cdp import Chromium
from harness import T, YokeTestCase, free_port, http_request, output_dir, wait_for_port
from steady_load import SteadyLoad
from test_metrics import AUTH, TOKEN, parse_exposition, total, value

SLOW_MS = 40  # backend b's delay: its p99 stands out against a and c (well under 5 ms)

# Everything the page shows about servers, read from the data attributes it sets.
# Null until the page (navigated to asynchronously) has its body.
READ_ROWS = """!document.getElementById('notice') ? null : JSON.stringify({
  updates: Number(document.body.dataset.updates),
  totalRps: Number(document.body.dataset.totalRps || 0),
  runtimeApi: document.body.dataset.runtimeApi || '',
  lastError: document.body.dataset.lastError || '',
  notice: document.getElementById('notice').textContent,
  tokenForm: !document.getElementById('token-form').hidden,
  rows: [...document.querySelectorAll('section.upstream tbody tr')].map((r) =>
    Object.assign({}, r.dataset)),
})"""


class DashboardTest(YokeTestCase):

    TEST_TIMEOUT = 120

    def start(self, demo, workers=2, check="health_check interval=200ms fails=1 passes=1;"):
        folder = os.path.join("/tmp", "yoke-dashboard-%d-%d" % (os.getpid(), id(self)))
        os.makedirs(folder, exist_ok=True)
        self.addCleanup(lambda: [os.remove(os.path.join(folder, f)) for f in os.listdir(folder)])
        with open(os.path.join(folder, "token"), "w") as f:
            f.write(TOKEN + "\n")
        port, admin = free_port(), free_port()
        config = """worker_processes %d;
error_log @ERRLOG@ info;
admin { listen 127.0.0.1:%d; token_file %s/token; }
http {
  upstream app { server %s; server %s weight=2; server %s; %s }
  server {
    listen 127.0.0.1:%d;
    location / { proxy_pass http://app; }
  }
}
""" % (workers, admin, folder, demo.address("a"), demo.address("b"), demo.address("c"), check,
       port)
        self.yoke = self.start_yoke(config, port)
        # The admin listener opens after the workers' (start_yoke waits for those only).
        self.assertTrue(wait_for_port(admin, 30, self.yoke.process), self.yoke.diagnostics())
        return port, admin

    def stats(self, admin):
        status, _, body = http_request(admin, "/api/v1/stats", headers=AUTH)
        self.assertEqual(status, 200, body)
        return json.loads(body)

    # ---------------------------------------------------------------------------------------

    def test_stats_agree_with_metrics_and_backends(self):
        demo = self.start_demo("a", "b", "c")
        port, admin = self.start(demo, check="")
        requests = 60
        for i in range(requests):
            self.assertEqual(http_request(port, "/x/%d" % i)[0], 200)
        deadline = time.monotonic() + T(5)
        while True:
            stats = self.stats(admin)
            if stats["totals"]["requests"] >= requests or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        _, _, body = http_request(admin, "/metrics", headers=AUTH)
        samples = parse_exposition(body.decode())

        self.assertEqual(stats["totals"]["requests"], requests)
        self.assertEqual(stats["totals"]["requests"], total(samples, "yoke_requests_total"))
        self.assertEqual(stats["totals"]["responses"]["2xx"], requests)
        self.assertEqual(stats["workers"], 2)
        upstream = stats["upstreams"][0]
        self.assertEqual(upstream["name"], "app")
        self.assertEqual(upstream["requests"], requests)
        self.assertEqual(upstream["request_duration"]["count"], requests)
        by_address = {s["address"]: s for s in upstream["servers"]}
        for name in ("a", "b", "c"):
            server = by_address[demo.address(name)]
            self.assertEqual(server["requests"], demo.requests(name), name)
            self.assertEqual(server["requests"], value(samples, "yoke_requests_total",
                                                       upstream="app", server=server["address"],
                                                       code_class="2xx"))
            self.assertEqual(server["response_time"]["count"], server["requests"])
            self.assertEqual(server["state"], "up")
            self.assertIsNone(server["health_checks"])  # no health_check configured
            self.assertGreater(server["response_time"]["p99_seconds"], 0)
        self.assertEqual(by_address[demo.address("b")]["weight"], 2)
        # Weighted round robin: b (weight 2) answered half.
        self.assertEqual(by_address[demo.address("b")]["requests"], requests // 2)

    def test_token_guards_the_api_not_the_page(self):
        demo = self.start_demo("a", "b", "c")
        _, admin = self.start(demo, workers=1)
        status, headers, body = http_request(admin, "/dashboard")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        self.assertIn(b'data-token-required="1"', body)
        self.assertNotIn(b"@inline", body)  # the CSS and the script were inlined
        self.assertIn(b"/api/v1/stats", body)
        self.assertNotIn(b"http://", body.replace(b"http://www.w3.org", b""))  # no CDN
        self.assertEqual(http_request(admin, "/api/v1/stats")[0], 401)
        self.assertEqual(http_request(admin, "/api/v1/stats",
                                      headers={"Authorization": "Bearer nope"})[0], 401)

    def test_dashboard_in_headless_chromium(self):
        demo = self.start_demo("a", "b", "c")
        status, _, _ = http_request(demo.port("b"), "/__control?delay_ms=%d" % SLOW_MS)
        self.assertEqual(status, 200)
        port, admin = self.start(demo)
        load = SteadyLoad(port, clients=6, pause=0.01)
        self.addCleanup(load.stop)
        browser = Chromium()
        self.addCleanup(browser.close)
        self._stoppers.append(browser.close)
        for domain in ("Runtime", "Log", "Page"):
            browser.send(domain + ".enable")
        browser.send("Page.navigate", {"url": "http://127.0.0.1:%d/dashboard" % admin})

        # A token is configured: the page asks for it before any request.
        self.wait_for(browser, lambda page: page["tokenForm"], "the token form", T(15))
        browser.evaluate("document.getElementById('token').value = %s; "
                         "document.getElementById('token-form').requestSubmit(); true"
                         % json.dumps(TOKEN))
        a, b, c = (demo.address(n) for n in ("a", "b", "c"))

        def every_server_live(page):
            rows = {r["server"]: r for r in page["rows"]}
            return (page["updates"] >= 3 and page["totalRps"] > 0 and set(rows) == {a, b, c} and
                    all(float(r["rps"]) > 0 and float(r["share"]) > 0 and r["p50"] and
                        float(r["p50"]) > 0 and r["p99"] and float(r["p99"]) > 0 and
                        int(r["checks"]) > 0 and r["state"] == "up" for r in rows.values()))
        page = self.wait_for(browser, every_server_live, "non-zero figures for every server",
                             T(25))
        rows = {r["server"]: r for r in page["rows"]}
        self.assertEqual(rows[b]["slow"], "1", rows)
        self.assertGreaterEqual(float(rows[b]["p99"]), SLOW_MS / 1000 * 0.9)
        self.assertEqual((rows[a]["slow"], rows[c]["slow"]), ("0", "0"), rows)
        self.assertEqual(page["rows"][0]["server"], b, "the slowest server comes first")

        # c fails its health check: it turns "down" and moves to the top.
        self.assertEqual(http_request(demo.port("c"), "/__control?health=fail")[0], 200)
        page = self.wait_for(browser, lambda p: p["rows"] and p["rows"][0]["server"] == c and
                             p["rows"][0]["state"] == "down", "c down and first", T(15))
        # /metrics tells the same (the alerts in deploy/prometheus use these series).
        _, _, body = http_request(admin, "/metrics", headers=AUTH)
        samples = parse_exposition(body.decode())
        self.assertEqual(value(samples, "yoke_server_up", upstream="app", server=c), 0)
        self.assertEqual(value(samples, "yoke_server_state", upstream="app", server=c,
                               state="down"), 1)
        self.assertEqual(value(samples, "yoke_server_state", upstream="app", server=c,
                               state="up"), 0)
        self.assertEqual(value(samples, "yoke_server_up", upstream="app", server=a), 1)
        self.assertGreaterEqual(value(samples, "yoke_health_checks_total", upstream="app",
                                      server=c, result="failed"), 1)
        self.assertGreater(value(samples, "yoke_health_checks_total", upstream="app", server=a,
                                 result="passed"), 0)
        self.assertEqual(value(samples, "yoke_health_checks_total", upstream="app", server=a,
                               result="failed"), 0)

        # Drain a: either the runtime API drains it, or the page says the API is missing.
        browser.evaluate("[...document.querySelectorAll('tbody tr')].find((r) => "
                         "r.dataset.server === %s).querySelector('button.drain').click(); true"
                         % json.dumps(a))
        page = self.wait_for(browser, lambda p: p["runtimeApi"] in ("available", "unavailable"),
                             "an answer to the drain button", T(10))
        if page["runtimeApi"] == "unavailable":
            self.assertIn("runtime API unavailable", page["notice"])
        else:
            self.wait_for(browser, lambda p: any(r["server"] == a and r["state"] == "draining"
                                                 for r in p["rows"]), "a draining", T(10))

        shot = browser.send("Page.captureScreenshot", {"format": "png"}, timeout=T(20))
        path = os.path.join(output_dir(self), "dashboard.png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        self.assertGreater(os.path.getsize(path), 10000)
        self.assertEqual(self.console_errors(browser, page["runtimeApi"]), [])
        self.assertEqual(page["lastError"], "", "the last /api/v1/stats request failed")
        load.stop()
        self.assertEqual(load.failures(), [])

    # ---------------------------------------------------------------------------------------

    def wait_for(self, browser, done, what, timeout):
        deadline = time.monotonic() + timeout
        page = None
        while time.monotonic() < deadline:
            text = browser.evaluate(READ_ROWS)
            page = json.loads(text) if text else None
            if page is not None and done(page):
                return page
            time.sleep(0.2)
        self.fail("the dashboard never showed %s in %ss; last state: %s; console: %s" %
                  (what, timeout, page, self.console_errors(browser, "")))

    @staticmethod
    def console_errors(browser, runtime_api):
        """Console errors, uncaught exceptions and failed loads the page caused. With no runtime
        API, the PATCH the drain button sent fails with 404 by design: that one load is allowed."""
        errors = []
        for event in browser.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append(params["exceptionDetails"])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error",
                                                                                  "assert"):
                errors.append(params.get("args"))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                expected = (runtime_api == "unavailable" and entry.get("source") == "network" and
                            "/api/v1/upstreams/" in entry.get("url", ""))
                if not expected:
                    errors.append(entry)
        return errors
