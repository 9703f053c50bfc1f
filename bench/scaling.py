#!/usr/bin/env python3
"""Throughput with 2 workers vs 1 on this 2-core machine (driven by bench/scaling).

Nothing is pinned: the proxy (1 worker, then N workers/threads), wrk (2 threads, so the load
generator is the same in both runs and is not held to one core) and the demo backends share
both cores, as they would on a real 2-core host running its own clients. The load generator
and the backends therefore compete with the proxy for the second core: the ratio is a floor
for what a second worker buys, not the ideal 2x. Rounds alternate 1 and N workers; medians.
"""
import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/ is not a package: the modules beside this file are imported by name.
from load_tools import run_wrk  # noqa: E402
from machine import facts_lines, machine_facts  # noqa: E402
from measure import Bench, WARMUP_SECONDS, describe  # noqa: E402
from procs import Processes, cpu_seconds, raise_fd_limit  # noqa: E402
from proxies import NAMES, PROXIES, ROOT, start_backends  # noqa: E402
from report_tables import median, ms, num  # noqa: E402
from scenarios import Scenario  # noqa: E402

LOAD = Scenario("a2", "keep-alive, 100 connections, small response", "wrk", 100, False, "/")
WRK_THREADS = 2


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("yoke", "backend", "loadgen"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--workers", type=int, default=2, help="compared with 1 worker")
    parser.add_argument("--proxies", default="yoke", help="subset of yoke,nginx,haproxy")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 round of 3 s")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "scaling.md"))
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration = 1, 3
    args.proxies = [p for p in args.proxies.split(",") if p]
    if set(args.proxies) - set(PROXIES) or args.workers < 2 or args.rounds < 1:
        parser.error("bad --proxies, --workers or --rounds")
    return args


def machine_busy():
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(x) for x in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values[:8]) - idle, sum(values[:8])


def measure(bench, proxy, workers, label):
    run = bench.start(proxy, label, cpu=None, workers=workers)
    try:
        failure = run.wait_serving()
        if failure:
            return {"error": failure}
        run_wrk(bench.procs, run.url, LOAD, WARMUP_SECONDS, None, WRK_THREADS)
        time.sleep(1)
        pids = run.pids()
        cpu_before, (busy_before, total_before) = cpu_seconds(pids), machine_busy()
        result = run_wrk(bench.procs, run.url, LOAD, bench.duration, None, WRK_THREADS)
        busy_after, total_after = machine_busy()
        proxy_cpu = cpu_seconds(pids) - cpu_before
        result["proxy_cores"] = proxy_cpu / bench.duration
        result["machine_busy_pct"] = 100.0 * (busy_after - busy_before) / max(
            1, total_after - total_before)
        if result.get("requests"):
            result["cpu_us_per_req"] = proxy_cpu * 1e6 / result["requests"]
        died = run.problem()
        if died:
            result["error"] = died
        return result
    finally:
        run.stop()


def render(facts, args, results):
    lines = ["# Multi-core scaling: 1 worker vs " f"{args.workers} (bench/scaling)", ""]
    lines += facts_lines(facts) + [
        f"- Method: {args.rounds} round(s) of {args.duration} s alternating 1 and "
        f"{args.workers} workers (HAProxy: threads); nothing pinned; wrk -t{WRK_THREADS} "
        f"-c{LOAD.connections} keep-alive `GET /` and the three demo backends share the same 2 "
        "cores as the proxy. Medians over rounds.", "",
        "| proxy | workers | req/s | p50 | p99 | proxy CPU (cores) | CPU µs/req | machine busy "
        f"| req/s ÷ 1 worker |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for proxy in args.proxies:
        base = median([r.get("rps") for r in results[proxy][1]])
        for workers in (1, args.workers):
            runs = results[proxy][workers]
            rps = median([r.get("rps") for r in runs])
            def med(field):
                return median([r.get(field) for r in runs])
            lines.append(
                f"| {NAMES[proxy]} | {workers} | {num(rps, 0)} | {ms(med('p50_us'))} "
                f"| {ms(med('p99_us'))} | {num(med('proxy_cores'), 2)} "
                f"| {num(med('cpu_us_per_req'), 2)} | {num(med('machine_busy_pct'), 0)}% "
                f"| {'—' if workers == 1 or not base or rps is None else f'{rps / base:.2f}'} |")
    lines += ["", "Per-round ratios (same round, N workers ÷ 1): " + "; ".join(
        f"{NAMES[p]} " + ", ".join(_round_ratios(results[p], args.workers)) for p in args.proxies)]
    return "\n".join(lines)


def _round_ratios(by_workers, workers):
    pairs = zip(by_workers[1], by_workers[workers])
    return [f"{n['rps'] / one['rps']:.2f}" if one.get("rps") and n.get("rps") else "—"
            for one, n in pairs]


def main():
    args = parse_args()
    raise_fd_limit()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signo, _frame: sys.exit(128 + signo))
    procs = Processes()
    work_dir = Path(tempfile.mkdtemp(prefix="yoke-scaling-"))
    started = time.monotonic()
    facts = machine_facts(args.yoke)
    results = {p: {1: [], args.workers: []} for p in args.proxies}
    try:
        _, ports = start_backends(procs, args.backend, None, work_dir)
        bench = Bench(procs, args.yoke, args.loadgen, ports, work_dir, args.duration,
                      lambda text: None)
        for round_no in range(1, args.rounds + 1):
            for proxy in args.proxies:
                for workers in (1, args.workers):
                    result = measure(bench, proxy, workers, f"w{workers}-r{round_no}")
                    results[proxy][workers].append(result)
                    print(f"[{time.monotonic() - started:5.0f} s] round {round_no} {proxy:8} "
                          f"{workers} worker(s): {describe(result)}", file=sys.stderr, flush=True)
    except BaseException:
        print(f"scaling: failed; logs kept in {work_dir}", file=sys.stderr)
        raise
    finally:
        procs.stop_all()
    report = render(facts, args, results)
    print(report)
    Path(args.output).write_text(report + "\n")
    bad = [r for p in results.values() for runs in p.values() for r in runs
           if "error" in r or r.get("errors")]
    if bad:
        print(f"scaling: {len(bad)} run(s) failed; logs in {work_dir}", file=sys.stderr)
        return 1
    shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
