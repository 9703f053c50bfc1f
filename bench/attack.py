#!/usr/bin/env python3
"""Slow-client attacks against Yoke, nginx and HAProxy side by side (driven by bench/attack).

For each round, proxy and attack mode, a fresh proxy (bench/configs, the same fair settings as
bench/compare: one worker pinned to CPU 0) in front of the same three demo backends, then:
  1. baseline: a probe client opens a new connection per request (GET /, 3 s timeout) at
     PROBE_RATE requests/s for BASELINE_SECONDS: the unloaded latency;
  2. attack: slowhttptest with CONNECTIONS connections in one mode — slowloris (-H: a header
     line every 10 s, never the empty line), slow POST (-B: a body of 8 KiB a few bytes every
     10 s), slow read (-X: a 256 KiB response read through a 32-64 byte window) — for
     ATTACK_SECONDS; after RAMP_SECONDS (every connection opened) the probe runs again for
     PROBE_SECONDS, and the proxy's RSS (all its processes) is sampled every 0.5 s.
Reported per mode and proxy, medians over rounds: probe p50/p99 unloaded and under attack and
their ratio, failed probes, RSS before and at peak, and how many attack connections the proxy
still held when slowhttptest ended (its last status line). Load generator, probe, backends and
slowhttptest run on CPU 1.
"""
import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/ is not a package: the modules beside this file are imported by name.
from machine import facts_lines, machine_facts  # noqa: E402
from procs import Processes, raise_fd_limit, rss_bytes  # noqa: E402
from proxies import NAMES, PROXIES, ROOT, ProxyRun, start_backends  # noqa: E402
from report_tables import median  # noqa: E402

CONNECTIONS = 2000
CONNECT_RATE = 400  # attack connections opened per second: all 2,000 within 5 s
ATTACK_SECONDS = 30
RAMP_SECONDS = 8
PROBE_SECONDS = 15
BASELINE_SECONDS = 15
PROBE_RATE = 20  # requests/s, each on a new connection
PROBE_TIMEOUT = 3.0
SLOW_READ_PATH = "/bytes/262144"

MODES = {
    "slowloris": ["-H", "-i", "10", "-x", "24"],
    "slow-post": ["-B", "-i", "10", "-s", "8192", "-x", "10"],
    "slow-read": ["-X", "-k", "1", "-w", "32", "-y", "64", "-n", "2", "-z", "32"],
}
MODE_TITLES = {
    "slowloris": "slowloris (slowhttptest -H)",
    "slow-post": "slow POST (slowhttptest -B)",
    "slow-read": "slow read (slowhttptest -X)",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("yoke", "backend", "loadgen"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--proxies", default=",".join(PROXIES))
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "attack.md"))
    args = parser.parse_args()
    args.proxies = [p for p in args.proxies.split(",") if p]
    args.modes = [m for m in args.modes.split(",") if m]
    if set(args.proxies) - set(PROXIES) or set(args.modes) - set(MODES) or args.rounds < 1:
        parser.error("bad --proxies, --modes or --rounds")
    return args


def probe_once(port):
    """Seconds for one GET / on a new connection, or None when it failed or timed out."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_TIMEOUT)
    try:
        connection.request("GET", "/", headers={"Host": "bench"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            return None
        return time.monotonic() - started
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def probe(port, seconds):
    """Probes at PROBE_RATE on a fixed schedule; returns (latencies, failures)."""
    latencies, failures = [], 0
    start = time.monotonic()
    for i in range(int(seconds * PROBE_RATE)):
        due = start + i / PROBE_RATE
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        result = probe_once(port)
        if result is None:
            failures += 1
        else:
            latencies.append(result)
    return latencies, failures


def quantile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


class RssSampler(threading.Thread):
    def __init__(self, pids_of):
        super().__init__(daemon=True)
        self.pids_of = pids_of
        self.peak = 0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            self.peak = max(self.peak, rss_bytes(self.pids_of()))
            self.stopped.wait(0.5)


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def last_status(text):
    """(connected, closed, service_available) from slowhttptest's last status block."""
    text = ANSI_ESCAPE.sub("", text)

    def last(pattern):
        found = re.findall(pattern, text)
        return found[-1] if found else None
    connected = last(r"connected:\s+(\d+)")
    closed = last(r"closed:\s+(\d+)")
    available = last(r"service available:\s+(\S+)")
    return (int(connected) if connected else None, int(closed) if closed else None, available)


def run_attack(procs, mode, port, connections, log_path):
    url = f"http://127.0.0.1:{port}" + (SLOW_READ_PATH if mode == "slow-read" else "/")
    argv = (["slowhttptest"] + MODES[mode] +
            ["-c", str(connections), "-r", str(CONNECT_RATE), "-l", str(ATTACK_SECONDS),
             "-p", "3", "-u", url])
    return procs.start(argv, 1, log_path)


def measure(procs, proxy, yoke, backend_ports, work_dir, mode, connections, label):
    run = ProxyRun(procs, proxy, yoke, backend_ports, work_dir, label, cpu=0)
    try:
        failure = run.wait_serving()
        if failure:
            raise RuntimeError(failure)
        base, base_failures = probe(run.port, BASELINE_SECONDS)
        rss_before = rss_bytes(run.pids())
        sampler = RssSampler(run.pids)
        sampler.start()
        log_path = run.dir / f"slowhttptest-{mode}.log"
        attacker = run_attack(procs, mode, run.port, connections, log_path)
        time.sleep(RAMP_SECONDS)
        loaded, loaded_failures = probe(run.port, PROBE_SECONDS)
        try:
            attacker.wait(ATTACK_SECONDS + 30)
        except subprocess.TimeoutExpired:
            procs.stop(attacker)
        procs.stop(attacker)
        sampler.stopped.set()
        sampler.join(2)
        held, closed, available = last_status(log_path.read_text(errors="replace"))
        problem = run.problem()
        return {
            "base_p50": quantile(base, 0.5), "base_p99": quantile(base, 0.99),
            "base_failures": base_failures,
            "p50": quantile(loaded, 0.5), "p99": quantile(loaded, 0.99),
            "failures": loaded_failures, "probes": len(loaded) + loaded_failures,
            "rss_before": rss_before, "rss_peak": max(sampler.peak, rss_before),
            "held": held, "closed": closed, "available": available, "died": problem,
        }
    finally:
        run.stop()


def ms(seconds):
    return "—" if seconds is None else f"{seconds * 1000:.1f}"


def mib(value):
    return "—" if value is None else f"{value / 1048576:.1f}"


def med(results, key):
    values = [r[key] for r in results if r.get(key) is not None]
    return median(values) if values else None


def table(mode, by_proxy):
    lines = [f"### {MODE_TITLES[mode]}", "",
             "| proxy | p50 unloaded (ms) | p99 unloaded (ms) | p50 attacked (ms) "
             "| p99 attacked (ms) | p99 ratio | failed probes | RSS before (MiB) "
             "| RSS peak (MiB) | attack connections held at end |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for proxy, results in by_proxy.items():
        base, loaded = med(results, "base_p99"), med(results, "p99")
        ratio = f"{loaded / base:.2f}" if base and loaded else "—"
        failed = "/".join(f"{r['failures']}" for r in results)
        probes = results[0]["probes"]
        held = "/".join("—" if r["held"] is None else str(r["held"]) for r in results)
        died = " (died)" if any(r["died"] for r in results) else ""
        lines.append(f"| {NAMES[proxy]}{died} | {ms(med(results, 'base_p50'))} | {ms(base)} "
                     f"| {ms(med(results, 'p50'))} | {ms(loaded)} | {ratio} "
                     f"| {failed} of {probes} | {mib(med(results, 'rss_before'))} "
                     f"| {mib(med(results, 'rss_peak'))} | {held} |")
    return lines


def report(args, results, seconds):
    lines = ["# Under attack: slow clients against Yoke, nginx and HAProxy", "",
             f"`bench/attack` ({args.rounds} round(s), {seconds / 60:.1f} min): "
             f"slowhttptest with {args.connections} connections per mode for "
             f"{ATTACK_SECONDS} s; a probe client makes {PROBE_RATE} requests/s on new "
             f"connections ({PROBE_TIMEOUT:.0f} s timeout), {BASELINE_SECONDS} s before the "
             f"attack and {PROBE_SECONDS} s during it (from {RAMP_SECONDS} s in). Medians over "
             "rounds; failed probes and held connections per round. Proxies as in "
             "bench/compare (bench/configs: one worker on CPU 0, default timeouts), "
             "everything else on CPU 1.", ""]
    lines += facts_lines(machine_facts(args.yoke)) + [""]
    for mode in args.modes:
        lines += table(mode, {p: results[(p, mode)] for p in args.proxies}) + [""]
    return "\n".join(lines)


def main():
    args = parse_args()
    raise_fd_limit()
    os.sched_setaffinity(0, {1})
    procs = Processes()
    work_dir = Path(tempfile.mkdtemp(prefix="yoke-attack-"))
    results = {(p, m): [] for p in args.proxies for m in args.modes}
    started = time.monotonic()
    try:
        _, ports = start_backends(procs, args.backend, 1, work_dir)
        for round_index in range(args.rounds):
            for mode in args.modes:
                for proxy in args.proxies:
                    label = f"{mode}-{round_index}"
                    result = measure(procs, proxy, args.yoke, ports, work_dir, mode,
                                     args.connections, label)
                    results[(proxy, mode)].append(result)
                    print(f"round {round_index + 1} {mode:9} {proxy:7} "
                          f"p99 {ms(result['base_p99'])} -> {ms(result['p99'])} ms, "
                          f"failed {result['failures']}/{result['probes']}, RSS "
                          f"{mib(result['rss_before'])} -> {mib(result['rss_peak'])} MiB, "
                          f"held {result['held']}" + (f", DIED {result['died']}"
                                                      if result["died"] else ""), flush=True)
    finally:
        procs.stop_all()
    shutil.rmtree(work_dir, ignore_errors=True)
    text = report(args, results, time.monotonic() - started)
    Path(args.output).write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    socket.setdefaulttimeout(PROBE_TIMEOUT)
    sys.exit(main())
