#!/usr/bin/env python3
"""Yoke vs nginx vs HAProxy on the same backends, one core each (driven by bench/compare).

For each round and each proxy: start it pinned to CPU 0 (wrk, backends and this driver run
on CPU 1), warm up, run the wrk scenarios and measure the proxy's CPU time per request, then
start it afresh and measure the RSS cost of idle keep-alive connections. Medians over the
rounds go to stdout and bench/results/latest.md. Standard library only.
"""
import argparse
import datetime
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_lib import (  # noqa: E402  (bench/ is not a package)
    Scenario, Processes, free_port, proxy_pids, cpu_seconds, cpu0_seconds, rss_bytes,
    wait_until_serving, run_wrk, hold_idle_connections, raise_fd_limit)
from compare_report import render_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "bench" / "configs"
PROXY_CPU, LOAD_CPU = 0, 1
PROXIES = ("yoke", "nginx", "haproxy")
SCENARIOS = (
    Scenario("a", "keep-alive, 50 connections, small response", 50, False),
    Scenario("b", "keep-alive, 1000 connections, small response", 1000, False),
    Scenario("c", "new connection per request (Connection: close), 50 connections", 50, True),
)
IDLE_CONNECTIONS = 2000
WARMUP_SECONDS = 2


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--yoke", required=True, help="yoke binary")
    parser.add_argument("--backend", required=True, help="yoke-demo-backend binary")
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--rounds", type=int, default=3, help="repeat count; medians reported")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round of 3 s")
    parser.add_argument("--proxies", default=",".join(PROXIES), help="comma-separated subset")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "latest.md"))
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration = 1, 3
    args.proxies = [p for p in args.proxies.split(",") if p]
    unknown = set(args.proxies) - set(PROXIES)
    if unknown or args.rounds < 1 or args.duration < 1:
        parser.error(f"bad --proxies/--rounds/--duration ({', '.join(sorted(unknown))})")
    return args


def write_config(proxy, run_dir, port, backend_ports):
    name = "haproxy.cfg.in" if proxy == "haproxy" else f"{proxy}.conf.in"
    text = (CONFIGS / name).read_text()
    values = {"DIR": str(run_dir), "PORT": str(port)}
    values.update({f"BACKEND{i + 1}": str(p) for i, p in enumerate(backend_ports)})
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    path = run_dir / name[:-3]
    path.write_text(text)
    return path


def proxy_argv(proxy, args, config, run_dir):
    if proxy == "yoke":
        return [args.yoke, "-c", str(config)]
    if proxy == "nginx":
        return ["nginx", "-p", str(run_dir), "-e", str(run_dir / "error.log"), "-c", str(config),
                "-g", "daemon off;"]
    return ["haproxy", "-db", "-f", str(config)]


class ProxyRun:
    """One started proxy: its process, port and directory."""

    def __init__(self, procs, proxy, args, backend_ports, work_dir, label):
        self.proxy = proxy
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix=f"{proxy}-{label}-", dir=work_dir))
        config = write_config(proxy, self.dir, self.port, backend_ports)
        self.process = procs.start(proxy_argv(proxy, args, config, self.dir), PROXY_CPU,
                                   self.dir / "stdout.log")
        self.procs = procs
        self.url = f"http://127.0.0.1:{self.port}/"

    def pids(self):
        return proxy_pids(self.process.pid)

    def problem(self):
        """Text describing a dead proxy, or None while it runs."""
        code = self.process.poll()
        if code is None:
            return None
        logs = []
        for name in ("stdout.log", "error.log"):
            path = self.dir / name
            if path.exists():
                logs.append(f"{name}: " + path.read_text(errors="replace")[-600:].strip())
        how = f"killed by signal {-code}" if code < 0 else f"exited with status {code}"
        return f"{self.proxy} {how}; " + " | ".join(logs)

    def stop(self):
        self.procs.stop(self.process)


def measure_scenario(run, scenario, duration):
    """Runs wrk for one scenario; returns a result dict (CPU measured around the wrk run)."""
    pids = run.pids()
    cpu_before, (tasks_before, irq_before) = cpu_seconds(pids), cpu0_seconds()
    start = time.monotonic()
    wrk = run_wrk(run.procs, run.url, scenario, duration, LOAD_CPU)
    elapsed = time.monotonic() - start
    proxy_cpu = cpu_seconds(pids) - cpu_before
    tasks_after, irq_after = cpu0_seconds()
    result = dict(wrk)
    result["cpu_seconds"] = proxy_cpu
    # Other processes on the proxy's core (noise), and softirq (mostly loopback TCP work).
    others = max(0.0, tasks_after - tasks_before - proxy_cpu)
    result["cpu0_other_pct"] = 100.0 * others / elapsed
    result["cpu0_irq_pct"] = 100.0 * (irq_after - irq_before) / elapsed
    if wrk.get("requests"):
        result["cpu_us_per_req"] = proxy_cpu * 1e6 / wrk["requests"]
    died = run.problem()
    if died:
        result["error"] = died
    return result


def run_scenarios(procs, proxy, args, backend_ports, work_dir, round_no, log):
    run = ProxyRun(procs, proxy, args, backend_ports, work_dir, f"r{round_no}")
    results = {}
    try:
        failure = wait_until_serving(run.url, run.problem)
        if failure:
            return {s.key: {"error": failure} for s in SCENARIOS}
        run_wrk(procs, run.url, SCENARIOS[0], WARMUP_SECONDS, LOAD_CPU)
        for scenario in SCENARIOS:
            time.sleep(1)  # let the previous run's sockets drain
            results[scenario.key] = measure_scenario(run, scenario, args.duration)
            log(f"  {proxy:8} ({scenario.key}) {describe(results[scenario.key])}")
            if run.problem():
                break
    finally:
        run.stop()
    return results


def run_idle(procs, proxy, args, backend_ports, work_dir, round_no, log):
    run = ProxyRun(procs, proxy, args, backend_ports, work_dir, f"idle-r{round_no}")
    try:
        failure = wait_until_serving(run.url, run.problem)
        if failure:
            return {"error": failure}
        run_wrk(procs, run.url, SCENARIOS[0], 1, LOAD_CPU)
        time.sleep(0.5)
        pids = run.pids()
        result = {"rss_before": rss_bytes(pids)}
        result.update(hold_idle_connections(run.port, IDLE_CONNECTIONS,
                                            lambda: rss_bytes(pids)))
        result["bytes_per_conn"] = (result["rss_after"] - result["rss_before"]) / IDLE_CONNECTIONS
        died = run.problem()
        if died:
            result["error"] = died
        log(f"  {proxy:8} (d) idle RSS {result['rss_before'] / 1e6:.1f} MB -> "
            f"{result['rss_after'] / 1e6:.1f} MB, {result['bytes_per_conn']:.0f} B/conn, "
            f"{result['alive']}/{IDLE_CONNECTIONS} still open, {result['failed']} failed")
        return result
    except Exception as error:  # report and go on with the other proxies
        return {"error": f"{proxy} idle test: {error}; {run.problem() or 'proxy still running'}"}
    finally:
        run.stop()


def describe(result):
    if "requests" not in result:
        return "FAILED: " + result.get("error", "no wrk output")
    text = (f"{result['rps']:.0f} req/s, p50 {result['p50_us']:.0f} us, "
            f"p99 {result['p99_us']:.0f} us, {result.get('cpu_us_per_req', 0):.2f} CPU us/req, "
            f"CPU 0: other processes {result['cpu0_other_pct']:.0f}%, "
            f"softirq {result['cpu0_irq_pct']:.0f}%")
    if result["errors"]:
        text += f", ERRORS {result['error_detail']}"
    return text + (f", {result['error']}" if "error" in result else "")


def machine_facts(yoke):
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    def version(argv):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            return (out.stdout + out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "unavailable"
    commit = version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
        "nproc": str(os.cpu_count()), "cpu": model,
        "kernel": f"{platform.system()} {platform.release()}",
        "yoke": version([yoke, "-v"]), "commit": commit,
        "nginx": version(["nginx", "-v"]), "haproxy": version(["haproxy", "-v"]),
        "wrk": version(["wrk", "-v"]),
    }


def run_all(args, procs, work_dir, log):
    backend_ports = [free_port() for _ in range(3)]
    backend_argv = [args.backend]
    for i, port in enumerate(backend_ports):
        backend_argv += ["--listen", f"127.0.0.1:{port}", "--name", f"backend-{i + 1}"]
    backends = procs.start(backend_argv, LOAD_CPU, work_dir / "backends.log")
    for port in backend_ports:
        failure = wait_until_serving(f"http://127.0.0.1:{port}/",
                                     lambda: None if backends.poll() is None else "backends died")
        if failure:
            raise RuntimeError(f"demo backends did not start: {failure}")
    rounds = []
    for round_no in range(1, args.rounds + 1):
        log(f"round {round_no}/{args.rounds}")
        shift = (round_no - 1) % len(args.proxies)  # rotate the order: no proxy always first
        order = args.proxies[shift:] + args.proxies[:shift]
        this_round = {p: {} for p in order}
        for proxy in order:
            this_round[proxy] = run_scenarios(procs, proxy, args, backend_ports, work_dir,
                                              round_no, log)
        for proxy in order:
            this_round[proxy]["d"] = run_idle(procs, proxy, args, backend_ports, work_dir,
                                              round_no, log)
        rounds.append(this_round)
    return rounds


def main():
    args = parse_args()
    raise_fd_limit()
    os.sched_setaffinity(0, {LOAD_CPU})  # the driver's idle clients stay off the proxy's core
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signo, _frame: sys.exit(128 + signo))
    procs = Processes()
    work_dir = Path(tempfile.mkdtemp(prefix="yoke-bench-"))
    started = time.monotonic()
    def log(text):
        print(f"[{time.monotonic() - started:5.0f} s] {text}", file=sys.stderr, flush=True)
    facts = machine_facts(args.yoke)
    log(f"bench: {args.rounds} round(s) x {args.duration} s, temp dir {work_dir}")
    try:
        rounds = run_all(args, procs, work_dir, log)
    except BaseException:  # interrupted or broken: nothing left running, nothing left behind
        procs.stop_all()
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    procs.stop_all()
    facts["wall"] = f"{time.monotonic() - started:.0f} s"
    report = render_report(facts, args, SCENARIOS, rounds, IDLE_CONNECTIONS, procs.notes)
    print(report)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(report + "\n")
    log(f"bench: wrote {args.output}")
    failed = procs.notes or any("error" in r or r.get("errors") or r.get("failed")
                                for rnd in rounds for res in rnd.values() for r in res.values())
    if failed:
        log(f"bench: some runs failed; configs and logs kept in {work_dir}")
        return 1
    shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
