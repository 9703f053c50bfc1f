#!/usr/bin/env python3
"""User-space instructions per keep-alive request under callgrind (driven by bench/profile).

For the backend alone and for each proxy: start it under `valgrind --tool=callgrind
--instr-atstart=no` pinned to CPU 0, warm it up uninstrumented, switch instrumentation on
(`callgrind_control -i on`), send exactly N keep-alive GETs over a few connections with
yoke-loadgen's fixed-count mode (each connection sends its next request when the answer has
arrived), dump, and divide the process's instructions (Ir, all threads) by N. The kernel's share
of the work is not in this figure. Standard library only.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/ is not a package: the modules beside this file are imported by name.
from load_tools import run_loadgen  # noqa: E402
from machine import machine_facts  # noqa: E402
from procs import Processes, raise_fd_limit  # noqa: E402
from profile_report import render_profile  # noqa: E402
from proxies import PROXIES, ROOT, ProxyRun, start_backends  # noqa: E402

PROXY_CPU, LOAD_CPU = 0, 1
STARTUP_SECONDS = 60  # valgrind starts slowly
TARGETS = ("direct",) + PROXIES


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--yoke", required=True)
    parser.add_argument("--backend", required=True)
    parser.add_argument("--loadgen", required=True)
    parser.add_argument("--requests", type=int, default=20000, help="measured requests (N)")
    parser.add_argument("--warmup", type=int, default=2000, help="uninstrumented requests first")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3,
                        help="measure each target this many times (shows the spread)")
    parser.add_argument("--targets", default=",".join(TARGETS), help="subset of " +
                        ",".join(TARGETS))
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "profile.md"))
    args = parser.parse_args()
    args.targets = [t for t in args.targets.split(",") if t]
    if set(args.targets) - set(TARGETS) or args.requests < 1 or args.repeat < 1:
        parser.error("bad --targets, --requests or --repeat")
    return args


def callgrind_prefix(run_dir):
    return ["valgrind", "--tool=callgrind", "--instr-atstart=no",
            f"--callgrind-out-file={run_dir}/callgrind.out", "--dump-instr=no"]


class DirectRun:
    """The demo backend itself under callgrind, one listener, answering the load directly."""

    def __init__(self, procs, backend, work_dir, label):
        self.dir = Path(tempfile.mkdtemp(prefix=f"direct-{label}-", dir=work_dir))
        self.procs = procs
        self.process, ports = start_backends(procs, backend, PROXY_CPU, self.dir, count=1,
                                             wrap=callgrind_prefix(self.dir),
                                             seconds=STARTUP_SECONDS)
        self.port = ports[0]

    def stop(self):
        self.procs.stop(self.process)


def start_target(args, procs, target, backend_ports, work_dir, label):
    """The backend (target "direct") or a proxy, under callgrind, answering."""
    if target == "direct":
        return DirectRun(procs, args.backend, work_dir, label)
    run = ProxyRun(procs, target, args.yoke, backend_ports, work_dir, label, PROXY_CPU,
                   wrap=callgrind_prefix, nginx_globals="daemon off; master_process off;")
    failure = run.wait_serving(STARTUP_SECONDS)
    if failure:
        run.stop()
        raise RuntimeError(f"{target} under callgrind: {failure}")
    return run


def callgrind_control(*argv):
    out = subprocess.run(["callgrind_control", *argv], capture_output=True, text=True,
                         timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"callgrind_control {' '.join(argv)}: {out.stderr.strip()[-300:]}")


def dumped_instructions(cg_dir):
    """Ir of the newest callgrind dump in cg_dir (the `totals:`/`summary:` line)."""
    dumps = sorted(Path(cg_dir).glob("callgrind.out*"), key=lambda p: p.stat().st_mtime)
    for dump in reversed(dumps):
        match = re.search(r"^(?:totals|summary):\s+(\d+)", dump.read_text(errors="replace"),
                          re.M)
        if match:
            return int(match.group(1))
    raise RuntimeError(f"no callgrind dump with totals in {cg_dir}")


def _checked(load, expected, what):
    if load.get("requests") != expected or load.get("errors"):
        raise RuntimeError(f"{what}: {load.get('requests')} of {expected} requests answered, "
                           f"{load.get('error') or load.get('error_detail') or 'no errors'}")


def measure(args, procs, target, backend_ports, work_dir, label):
    """Instructions of the target's process (all threads) for exactly args.requests requests."""
    run = start_target(args, procs, target, backend_ports, work_dir, label)
    try:
        def load(count):
            return run_loadgen(procs, args.loadgen, run.port, LOAD_CPU,
                               connections=args.connections, requests=count, duration=300)
        _checked(load(args.warmup), args.warmup, f"{target} warm-up")
        pid = str(run.process.pid)
        callgrind_control("--instr=on", pid)
        callgrind_control("--zero", pid)
        _checked(load(args.requests), args.requests, f"{target} measured run")
        callgrind_control("--dump=measured", pid)
        instructions = dumped_instructions(run.dir)
    finally:
        run.stop()
    return instructions / args.requests


def main():
    args = parse_args()
    raise_fd_limit()
    os.sched_setaffinity(0, {LOAD_CPU})
    procs = Processes()
    work_dir = Path(tempfile.mkdtemp(prefix="yoke-profile-"))
    started = time.monotonic()
    facts = machine_facts(args.yoke)
    facts["valgrind"] = subprocess.run(["valgrind", "--version"], capture_output=True,
                                       text=True).stdout.strip()
    results = {t: [] for t in args.targets}
    try:
        _, ports = start_backends(procs, args.backend, LOAD_CPU, work_dir)
        for repeat in range(1, args.repeat + 1):
            for target in args.targets:
                per_request = measure(args, procs, target, ports, work_dir, f"p{repeat}")
                results[target].append(per_request)
                print(f"[{time.monotonic() - started:5.0f} s] {target:8} run {repeat}: "
                      f"{per_request:,.0f} instructions/request", file=sys.stderr, flush=True)
    except BaseException:
        procs.stop_all()
        print(f"profile: failed; logs kept in {work_dir}", file=sys.stderr)
        raise
    procs.stop_all()
    shutil.rmtree(work_dir, ignore_errors=True)
    facts["wall"] = f"{time.monotonic() - started:.0f} s"
    report, summary = render_profile(facts, args, results)
    print(report)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report + "\n")
    if set(args.targets) == set(TARGETS):  # bench/compare's summary reads complete runs only
        output.with_suffix(".json").write_text(json.dumps(summary, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
