#!/usr/bin/env python3
"""Yoke vs nginx vs HAProxy on the same backends, one core each (driven by bench/compare).

Each round, for each proxy (the order rotates): a fresh instance pinned to CPU 0 (the load
generators, the backends and this driver run on CPU 1) for the wrk scenarios (a-d), measuring
the proxy's CPU time per request; then the open-loop scenario (e) at half of nginx's req/s in
(a), against the backend directly and each proxy; then the idle-memory scenario (f). Medians
over the rounds go to stdout and bench/results/latest.md. Standard library only.
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
from compare_report import render_report  # noqa: E402
from load_tools import run_wrk  # noqa: E402
from machine import machine_facts  # noqa: E402
from measure import (Bench, LOAD_CPU, WARMUP_SECONDS, run_idle, run_open_loop,  # noqa: E402
                     run_wrk_scenarios)
from procs import Processes, raise_fd_limit  # noqa: E402
from proxies import PROXIES, ROOT, VARIANTS, start_backends  # noqa: E402
from scenarios import BY_KEY, SCENARIOS, parse_selection  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--yoke", required=True, help="yoke binary")
    parser.add_argument("--backend", required=True, help="yoke-demo-backend binary")
    parser.add_argument("--loadgen", required=True, help="yoke-loadgen binary")
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--rounds", type=int, default=3, help="repeat count; medians reported")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round of 3 s")
    parser.add_argument("--proxies", default=",".join(PROXIES), help="comma-separated subset")
    parser.add_argument("--scenarios", default=",".join(s.key for s in SCENARIOS),
                        help="comma-separated subset of a,b,c,d,e,f,g,h,i")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "latest.md"))
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration = 1, 3
    args.proxies = [p for p in args.proxies.split(",") if p]
    unknown = set(args.proxies) - set(PROXIES) - set(VARIANTS)
    args.scenarios = parse_selection(args.scenarios)
    if unknown or not args.proxies or args.scenarios is None:
        parser.error(f"bad --proxies or --scenarios ({', '.join(sorted(unknown))})")
    if args.rounds < 1 or args.duration < 1:
        parser.error("--rounds and --duration must be at least 1")
    return args


def half_saturation_rate(bench, this_round, round_no):
    """Half of nginx's req/s in scenario (a) of this round, or of a short probe when (a) or
    nginx was not run. Returns (rate, where the saturation figure came from)."""
    measured = this_round.get("nginx", {}).get("a", {}).get("rps")
    if measured:
        return measured / 2, "nginx in (a) of this round"
    run = bench.start("nginx", f"probe-r{round_no}")
    try:
        failure = run.wait_serving()
        if failure:
            raise RuntimeError(f"nginx saturation probe: {failure}")
        run_wrk(bench.procs, run.url, BY_KEY["a"], WARMUP_SECONDS, LOAD_CPU)
        probe = run_wrk(bench.procs, run.url, BY_KEY["a"], min(bench.duration, 5), LOAD_CPU)
    finally:
        run.stop()
    if not probe.get("rps"):
        raise RuntimeError(f"nginx saturation probe failed: {probe.get('error')}")
    bench.log(f"  nginx saturation probe: {probe['rps']:.0f} req/s")
    return probe["rps"] / 2, "a short nginx probe like (a)"


def run_round(bench, args, round_no):
    shift = (round_no - 1) % len(args.proxies)  # rotate the order: no proxy always first
    order = args.proxies[shift:] + args.proxies[:shift]
    this_round = {p: {} for p in order}
    keys = {s.key for s in args.scenarios}
    wrk_scenarios = [s for s in args.scenarios if s.kind == "wrk"]
    for proxy in order if wrk_scenarios else ():
        this_round[proxy].update(run_wrk_scenarios(bench, proxy, wrk_scenarios, f"r{round_no}"))
    if "e" in keys:
        rate, source = half_saturation_rate(bench, this_round, round_no)
        direct = run_open_loop(bench, "direct", rate, f"e-r{round_no}")
        this_round["direct"] = {"e": dict(direct, rate_source=source)}
        for proxy in order:
            this_round[proxy]["e"] = run_open_loop(bench, proxy, rate, f"e-r{round_no}")
    for scenario in (s for s in args.scenarios if s.kind == "idle"):
        for proxy in order:
            this_round[proxy][scenario.key] = run_idle(bench, proxy, scenario,
                                                       f"idle-{scenario.key}-r{round_no}")
    return this_round


def run_all(args, bench):
    rounds = []
    for round_no in range(1, args.rounds + 1):
        bench.log(f"round {round_no}/{args.rounds}")
        rounds.append(run_round(bench, args, round_no))
    return rounds


def failed(rounds, notes):
    return bool(notes) or any(
        "error" in r or r.get("errors") or r.get("failed") or r.get("closed_by_proxy")
        for rnd in rounds for res in rnd.values() for r in res.values())


def main():
    args = parse_args()
    raise_fd_limit()  # 9,900 idle connections are held by this process
    os.sched_setaffinity(0, {LOAD_CPU})  # the driver's idle clients stay off the proxy's core
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signo, _frame: sys.exit(128 + signo))
    procs = Processes()
    work_dir = Path(tempfile.mkdtemp(prefix="yoke-bench-"))
    started = time.monotonic()

    def log(text):
        print(f"[{time.monotonic() - started:5.0f} s] {text}", file=sys.stderr, flush=True)
    facts = machine_facts(args.yoke)
    log(f"bench: {args.rounds} round(s) x {args.duration} s, scenarios "
        f"{','.join(s.key for s in args.scenarios)}, temp dir {work_dir}")
    try:
        _, ports = start_backends(procs, args.backend, LOAD_CPU, work_dir)
        bench = Bench(procs, args.yoke, args.loadgen, ports, work_dir, args.duration, log)
        rounds = run_all(args, bench)
    except BaseException:  # interrupted or broken: nothing left running, nothing left behind
        procs.stop_all()
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    procs.stop_all()
    facts["wall"] = f"{time.monotonic() - started:.0f} s"
    report = render_report(facts, args, rounds, procs.notes)
    print(report)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(report + "\n")
    log(f"bench: wrote {args.output}")
    if failed(rounds, procs.notes):
        log(f"bench: some runs failed; configs and logs kept in {work_dir}")
        return 1
    shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
