#!/usr/bin/env python3
"""limit_req across workers (driven by bench/rate-limit): Yoke with 2 workers and
`limit_req_zone $binary_remote_addr zone=z:1m rate=100r/s; limit_req zone=z;` in front of a demo
backend; yoke-loadgen from one address sends 1,000 requests/s on a fixed schedule for 10 s over
CONNECTIONS keep-alive connections (SO_REUSEPORT spreads them over both workers). The zone is
shared, so about 100 r/s x 10 s = 1,000 requests may pass in total, not 1,000 per worker; the
target is 1,000 +- 10%. Repeated ROUNDS times; each round's counts and the median are reported.
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import facts_lines, machine_facts  # noqa: E402
from procs import Processes, free_port, raise_fd_limit  # noqa: E402
from proxies import ROOT, start_backends  # noqa: E402
from http_probe import wait_until_serving  # noqa: E402
from report_tables import median  # noqa: E402

RATE_LIMIT = 100     # r/s, the zone's rate
OFFERED_RATE = 1000  # r/s sent
SECONDS = 10
CONNECTIONS = 16
WORKERS = 2
TARGET = RATE_LIMIT * SECONDS
CONFIG = """worker_processes {workers};
error_log {dir}/error.log error;
pid {dir}/yoke.pid;
http {{
    limit_req_zone $binary_remote_addr zone=z:1m rate={rate}r/s;
    upstream backends {{ server 127.0.0.1:{backend}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{ limit_req zone=z; proxy_pass http://backends; }}
    }}
}}
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("yoke", "backend", "loadgen"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "rate-limit.md"))
    return parser.parse_args()


def loadgen_counts(loadgen, port):
    argv = [loadgen, "--port", str(port), "--connections", str(CONNECTIONS), "--rate",
            str(OFFERED_RATE), "--warmup", "0", "--duration", str(SECONDS), "--drain", "2"]
    # yoke-loadgen exits 1 when any answer was not 2xx, which is the point here: read its
    # counts whatever the status, and fail only when it printed none.
    done = subprocess.run(argv, capture_output=True, text=True, timeout=SECONDS + 30)
    values = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    if "requests" not in values:
        raise RuntimeError(f"yoke-loadgen failed: {done.stderr.strip()}")
    return int(values["requests"]), int(values["non_2xx"]), int(values["errors"])


def one_round(procs, args, backend_port, work_dir, index):
    run_dir = Path(tempfile.mkdtemp(prefix=f"round-{index}-", dir=work_dir))
    port = free_port()
    config = run_dir / "yoke.conf"
    config.write_text(CONFIG.format(workers=WORKERS, dir=run_dir, rate=RATE_LIMIT,
                                    backend=backend_port, port=port))
    yoke = procs.start([args.yoke, "-c", str(config)], None, run_dir / "stdout.log")
    try:
        failure = wait_until_serving(f"http://127.0.0.1:{port}/",
                                     lambda: None if yoke.poll() is None else "yoke died", 10)
        if failure:
            raise RuntimeError(failure)
        # The readiness probe may have used the bucket: let it drain before counting.
        subprocess.run(["sleep", "1"], check=True)
        return loadgen_counts(args.loadgen, port)
    finally:
        procs.stop(yoke)


def main():
    args = parse_args()
    raise_fd_limit()
    procs = Processes()
    work_dir = Path(tempfile.mkdtemp(prefix="yoke-rate-limit-"))
    rounds = []
    try:
        _, ports = start_backends(procs, args.backend, None, work_dir, count=1)
        for index in range(args.rounds):
            accepted, limited, errors = one_round(procs, args, ports[0], work_dir, index)
            rounds.append((accepted, limited, errors))
            print(f"round {index + 1}: {accepted} accepted, {limited} limited (429), "
                  f"{errors} errors", flush=True)
    finally:
        procs.stop_all()
    accepted = median([r[0] for r in rounds])
    within = abs(accepted - TARGET) <= TARGET / 10
    lines = ["# limit_req across workers", "",
             f"`bench/rate-limit`: Yoke with {WORKERS} workers, `rate={RATE_LIMIT}r/s` (no "
             f"burst), one client address sending {OFFERED_RATE} r/s on a fixed schedule for "
             f"{SECONDS} s over {CONNECTIONS} keep-alive connections (yoke-loadgen).", ""]
    lines += facts_lines(machine_facts(args.yoke)) + [""]
    lines += ["| round | accepted (2xx) | limited (429) | errors |", "|---|---|---|---|"]
    lines += [f"| {i + 1} | {a} | {l} | {e} |" for i, (a, l, e) in enumerate(rounds)]
    lines += ["", f"Median accepted: {accepted:g} for a target of {TARGET} +- 10% "
              f"({'within' if within else 'OUTSIDE'} the target)."]
    text = "\n".join(lines)
    Path(args.output).write_text(text + "\n")
    print(text)
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
