"""The files for the Prometheus ecosystem in deploy/ (docs/alerts.md): `promtool check rules`
and `promtool test rules` accept deploy/prometheus/yoke-alerts.yml with the series and expected
alerts of yoke-alerts.test.yml; deploy/grafana/yoke-dashboard.json is JSON whose every query
parses as PromQL (promtool checks them as recording rules) and names only metrics that
docs/metrics.md documents; and every family a real Yoke exposes on /metrics is documented
there too, so the two checks hold each other up."""

import json
import os
import re
import shutil
import subprocess
import tempfile

from harness import T, YokeTestCase, free_port, http_request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RULES = os.path.join(ROOT, "deploy", "prometheus", "yoke-alerts.yml")
RULE_TESTS = os.path.join(ROOT, "deploy", "prometheus", "yoke-alerts.test.yml")
GRAFANA = os.path.join(ROOT, "deploy", "grafana", "yoke-dashboard.json")
METRICS_DOC = os.path.join(ROOT, "docs", "metrics.md")

# Metrics that branches developed alongside this one add. Until docs/metrics.md documents one,
# the rules and the dashboard may name it; once it is documented it is checked like every other.
PENDING = set()

METRIC = re.compile(r"\b((?:yoke|process)_[a-z0-9_]+)")
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def documented_metrics():
    with open(METRICS_DOC) as f:
        text = f.read()
    # The first cell of a table row names one or more metrics in backticks (labels may follow
    # a name in braces: `yoke_build_info{version,compiler}`).
    names = set()
    for line in text.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`((?:yoke|process)_[a-z0-9_]+)", line.split("|")[1]))
    return names


def family(name, documented):
    """The family a sample name belongs to (a histogram's _bucket/_sum/_count included)."""
    for suffix in HISTOGRAM_SUFFIXES:
        if name.endswith(suffix) and name[:-len(suffix)] in documented:
            return name[:-len(suffix)]
    return name


def grafana_queries(dashboard):
    """(panel title, expr) of every query in the dashboard, rows' nested panels included."""
    queries = []
    for panel in dashboard["panels"]:
        for inner in [panel] + panel.get("panels", []):
            for target in inner.get("targets", []):
                queries.append((inner["title"], target["expr"]))
    return queries


class AlertsAndGrafanaTest(YokeTestCase):

    def promtool(self, *args):
        promtool = shutil.which("promtool")
        self.assertIsNotNone(promtool, "promtool missing: run scripts/install-deps")
        result = subprocess.run([promtool] + list(args), capture_output=True, text=True,
                                timeout=T(60), cwd=os.path.dirname(RULES))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result.stdout

    def unknown(self, expressions):
        documented = documented_metrics()
        self.assertIn("yoke_requests_total", documented)  # the doc's table format holds
        missing = []
        for where, expr in expressions:
            for name in METRIC.findall(expr):
                name = family(name, documented | PENDING)
                if name not in documented and name not in PENDING:
                    missing.append((where, name))
        return missing

    def test_rules_pass_promtool_check_and_unit_tests(self):
        out = self.promtool("check", "rules", RULES)
        self.assertIn("SUCCESS: 7 rules found", out)
        out = self.promtool("test", "rules", RULE_TESTS)
        self.assertIn("SUCCESS", out)
        with open(RULES) as f:
            rules = f.read()
        alerts = re.findall(r"- alert: (\w+)", rules)
        with open(RULE_TESTS) as f:
            tested = set(re.findall(r"alertname: (\w+)", f.read()))
        self.assertEqual(set(alerts) - tested, set(), "alerts without a promtool test")
        expressions = [(m, m) for m in re.findall(r"expr: (.+)", rules)]
        expressions += [("multi-line expr", block) for block in
                        re.findall(r"expr: \|\n((?:\s{10}.*\n)+)", rules)]
        self.assertEqual(self.unknown(expressions), [])

    def test_grafana_dashboard_queries_parse_and_name_documented_metrics(self):
        with open(GRAFANA) as f:
            dashboard = json.load(f)
        self.assertEqual(dashboard["uid"], "yoke-overview")
        queries = grafana_queries(dashboard)
        self.assertGreater(len(queries), 20)
        self.assertEqual(self.unknown(queries), [])
        # Every query as a recording rule, with Grafana's variables filled in, so that promtool
        # parses it as PromQL.
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "grafana-queries.yml")
            with open(path, "w") as f:
                f.write("groups:\n  - name: grafana\n    rules:\n")
                for i, (_, expr) in enumerate(queries):
                    expr = (expr.replace("$__rate_interval", "5m")
                            .replace("$instance", ".*").replace("$upstream", ".*"))
                    f.write("      - record: grafana:query_%d\n        expr: %s\n"
                            % (i, json.dumps(expr)))
            out = self.promtool("check", "rules", path)
            self.assertIn("SUCCESS: %d rules found" % len(queries), out)

    def test_every_exposed_family_is_documented(self):
        demo = self.start_demo("a")
        port, admin = free_port(), free_port()
        self.start_yoke("""worker_processes 1;
error_log @ERRLOG@ info;
admin { listen 127.0.0.1:%d; }
http {
  upstream app { server %s; }
  server { listen 127.0.0.1:%d; location / { proxy_pass http://app; } }
}
""" % (admin, demo.address("a"), port), port)
        status, _, body = http_request(admin, "/metrics")
        self.assertEqual(status, 200)
        families = set(re.findall(r"^# TYPE (\S+)", body.decode(), re.M))
        self.assertIn("yoke_tls_handshakes_total", families)
        self.assertEqual(families - documented_metrics(), set())
