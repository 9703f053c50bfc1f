"""Yoke nodes, demo backends, keepalived and a load client on a NetLab (tests/e2e/README.md).

    with NetLab() as lab:
        backends = start_backends(lab, ["b1", "b2", "b3"])     # hosts running yoke-demo-backend
        node = YokeNode(lab.host("lb-a"), yoke_config(...))     # yoke in its own host
        node.start(); node.healthz() -> (status, body)
        ka = Keepalived(node, vip=VIP, priority=150); ka.start(); ka.wait_state("MASTER")
        client = lab.host("client"); records = run_load(client, url, seconds)

Binaries come from YOKE_BIN and YOKE_DEMO_BACKEND (run.py sets them). keepalived's config is the
one shipped in deploy/keepalived/, rendered by its own `render` script.
"""

import json
import os
import subprocess
import sys
import time

from netlab import stop_process

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
KEEPALIVED_DIR = os.path.join(ROOT, "deploy", "keepalived")
BACKEND_PORT = 8080
ADMIN = "127.0.0.1:9000"  # each node's admin listener, on its own namespace's loopback


def yoke_binary():
    return os.environ.get("YOKE_BIN", os.path.join(ROOT, "build", "yoke"))


def demo_binary():
    return os.environ.get("YOKE_DEMO_BACKEND", os.path.join(ROOT, "build", "yoke-demo-backend"))


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    """Polls predicate until it returns a true value (returned) or timeout passes (raises)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


def start_backends(lab, names):
    """One host per name running yoke-demo-backend on :8080 answering NAME. Returns the hosts."""
    hosts = []
    for name in names:
        host = lab.host(name)
        host.spawn([demo_binary(), "--listen", "0.0.0.0:%d" % BACKEND_PORT, "--name", name],
                   "backend")
        hosts.append(host)
    for host in hosts:
        wait_until(lambda h=host: _curl(h, "http://127.0.0.1:%d/health" % BACKEND_PORT)[0] == 200,
                   10, what="backend %s" % host.name)
    return hosts


def _curl(host, url, timeout=1.0, method="GET", body=None):
    """(status, body) of one request made inside host; status 0 when it failed."""
    args = ["curl", "--silent", "--max-time", str(timeout), "--request", method,
            "--write-out", "\n%{http_code}", url]
    if body is not None:
        args += ["--header", "Content-Type: application/json", "--data", body]
    result = host.run(args, timeout=timeout + 5, check=False)
    text, _, code = result.stdout.rpartition("\n")
    return (int(code) if code.isdigit() else 0), text


def yoke_config(directory, vip, backends, extra_main="", upstream_extra=""):
    """A node's configuration: the VIP on port 80 (freebind: it listens before the VIP
    arrives), the admin listener on loopback, one upstream of every backend."""
    servers = "".join("    server %s:%d;\n" % (b.address, BACKEND_PORT) for b in backends)
    return ("worker_processes 1;\n"
            "pid %(dir)s/yoke.pid;\n"
            "error_log %(dir)s/error.log info;\n"
            "%(extra)s"
            "admin { listen %(admin)s; }\n"
            "http {\n"
            "  upstream app {\n%(servers)s%(upstream_extra)s  }\n"
            "  server {\n"
            "    listen %(vip)s:80 freebind;\n"
            "    location / { proxy_pass http://app; }\n"
            "  }\n"
            "}\n") % {"dir": directory, "extra": extra_main, "admin": ADMIN, "servers": servers,
                      "upstream_extra": upstream_extra, "vip": vip}


class YokeNode:
    """Yoke in a host of its own, with its files under LAB_DIR/HOST/."""

    def __init__(self, host, config_text_for):
        """config_text_for(directory) -> the configuration text."""
        self.host = host
        self.dir = os.path.join(host.lab.dir, host.name)
        os.makedirs(self.dir, exist_ok=True)
        self.config_path = os.path.join(self.dir, "yoke.conf")
        with open(self.config_path, "w") as f:
            f.write(config_text_for(self.dir))
        self.process = None

    def start(self, timeout=10):
        self.process = self.host.spawn([yoke_binary(), "-c", self.config_path], "yoke")
        wait_until(lambda: self.process.poll() is not None or self.healthz()[0] != 0, timeout,
                   what="yoke on %s to answer /healthz" % self.host.name)
        if self.process.poll() is not None:
            raise AssertionError("yoke on %s exited: %s" % (self.host.name, self.error_log()))

    def healthz(self):
        return _curl(self.host, "http://%s/healthz" % ADMIN)

    def admin(self, path, method="GET", body=None):
        return _curl(self.host, "http://%s%s" % (ADMIN, path), method=method, body=body)

    def requests_served(self):
        """yoke_requests_total summed over its labels, from /metrics."""
        status, text = self.admin("/metrics")
        if status != 200:
            return 0
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("yoke_requests_total{"))

    def signal(self, name):
        """`yoke -s NAME -c CONFIG` inside the node (reload, quit, stop, drain)."""
        return self.host.run([yoke_binary(), "-s", name, "-c", self.config_path])

    def error_log(self):
        try:
            with open(os.path.join(self.dir, "error.log"), errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.process is not None:
            stop_process(self.process)


class Keepalived:
    """keepalived for a YokeNode, from deploy/keepalived/keepalived.conf.in."""

    def __init__(self, node, vip, priority, vrid=51):
        self.node = node
        self.state_path = os.path.join(node.dir, "vrrp.state")
        env = {
            "NODE": node.host.name,
            "ADMIN": ADMIN,
            "INTERFACE": "eth0",
            "VRID": str(vrid),
            "PRIORITY": str(priority),
            "VIP": vip + "/24",
            "NOTIFY": "%s %s" % (os.path.join(KEEPALIVED_DIR, "notify"), self.state_path),
        }
        env_path = os.path.join(node.dir, "keepalived.env")
        with open(env_path, "w") as f:
            f.write("".join("%s=%s\n" % item for item in env.items()))
        self.config_path = os.path.join(node.dir, "keepalived.conf")
        with open(self.config_path, "w") as f:
            subprocess.run([sys.executable, os.path.join(KEEPALIVED_DIR, "render"), env_path],
                           stdout=f, check=True, timeout=10)
        self.process = None

    def check_config(self):
        """keepalived -t: the rendered file is valid (keepalived fails on warnings too)."""
        return subprocess.run(["keepalived", "-t", "-l", "-f", self.config_path],
                              capture_output=True, text=True, timeout=10)

    def start(self):
        d = self.node.dir
        self.process = self.node.host.spawn(
            ["keepalived", "--dont-fork", "--log-console", "--log-detail", "--vrrp",
             "--use-file", self.config_path, "--pid", d + "/keepalived.pid",
             "--vrrp_pid", d + "/keepalived-vrrp.pid"], "keepalived")

    def transitions(self):
        """[(wall time, state)] from the notify hook, oldest first."""
        try:
            with open(self.state_path) as f:
                lines = f.read().split("\n")
        except OSError:
            return []
        pairs = []
        for line in lines:
            words = line.split()
            if len(words) == 2:
                pairs.append((float(words[0]), words[1]))
        return pairs

    def state(self):
        pairs = self.transitions()
        return pairs[-1][1] if pairs else None

    def first(self, state, after):
        """Wall time of the first transition to state after `after`, or None."""
        return next((t for t, s in self.transitions() if s == state and t >= after), None)

    def wait_state(self, state, timeout=10):
        wait_until(lambda: self.state() == state, timeout,
                   what="keepalived on %s to be %s" % (self.node.host.name, state))

    def log(self):
        try:
            with open(self.process.err_path, errors="replace") as f:
                err = f.read()
            with open(self.process.out_path, errors="replace") as f:
                return (f.read() + err)[-4000:]
        except (OSError, AttributeError):
            return ""

    def stop(self):
        if self.process is not None:
            stop_process(self.process)


def start_load(client, url, seconds, threads=4, pause_ms=10, timeout=3.0):
    """Starts load_client.py inside client; collect_load() waits for it and reads its records."""
    out = os.path.join(client.lab.dir, "load-%d.jsonl" % time.monotonic_ns())
    process = client.spawn([sys.executable, os.path.join(HERE, "load_client.py"), "--url", url,
                            "--seconds", str(seconds), "--threads", str(threads),
                            "--pause-ms", str(pause_ms), "--timeout", str(timeout),
                            "--out", out], "load")
    process.records_path = out
    process.seconds = seconds + timeout + 10
    return process


def collect_load(process):
    process.wait(process.seconds)
    with open(process.records_path) as f:
        return [json.loads(line) for line in f if line.strip()]


def in_flight(records, instant):
    """Requests started at or before instant and not finished by then."""
    return sum(1 for r in records if r["start"] <= instant < r["end"])


def outage(records, since, moved):
    """The client's view of a failover that began at `since` and moved the address at `moved`
    (wall times): failed requests (all, and those started after the move), requests in flight
    at both instants, the longest time without a successful answer, the distinct errors."""
    ok_ends = sorted(r["end"] for r in records if r["ok"])
    longest, previous = 0.0, None
    for end in ok_ends:
        if previous is not None and end >= since:
            longest = max(longest, end - max(previous, since))
        previous = end
    failed = [r for r in records if not r["ok"] and r["end"] >= since]
    return {"failed": len(failed), "failed_after_move": sum(1 for r in failed
                                                            if r["start"] > moved),
            "in_flight_at_fault": in_flight(records, since),
            "in_flight_at_move": in_flight(records, moved),
            "longest_gap_s": round(longest, 3), "requests": len(records),
            "errors": sorted({r["error"] or str(r["status"]) for r in failed})[:5]}
