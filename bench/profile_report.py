"""Markdown report of bench/profile: instructions per request, Yoke's ratios, issue 3's targets."""
import statistics

from machine import facts_lines
from proxies import NAMES

TARGETS = {"nginx": 0.75, "haproxy": 0.5}  # issue 3: Yoke ÷ peer, instructions per request


def _spread(values):
    """(max − min) ÷ median, in percent."""
    return 100.0 * (max(values) - min(values)) / statistics.median(values)


def _row(target, runs, medians):
    runs_text = " · ".join(f"{v:,.0f}" for v in runs)
    value = medians[target]
    yoke = medians.get("yoke")
    ratio, goal, verdict = "—", "—", "—"
    if target in TARGETS and yoke:
        r = yoke / value
        ratio, goal = f"{r:.2f}", f"≤ {TARGETS[target]}"
        verdict = "met" if r <= TARGETS[target] else "**missed**"
    elif target == "direct" and yoke:
        ratio = f"{yoke / value:.2f}"
    return (f"| {NAMES[target]} | {runs_text} | **{value:,.0f}** | {_spread(runs):.2f}% "
            f"| {ratio} | {goal} | {verdict} |")


def render_profile(facts, args, results):
    """(markdown, JSON summary for bench/compare)."""
    medians = {t: statistics.median(v) for t, v in results.items()}
    lines = ["# User-space instructions per keep-alive request (bench/profile)", ""]
    lines += facts_lines(facts) + [f"- {facts['valgrind']}",
        f"- Method: each target alone under `valgrind --tool=callgrind --instr-atstart=no`, "
        f"pinned to CPU 0; {args.warmup} uninstrumented warm-up requests; then instrumentation "
        f"on, counters zeroed, exactly {args.requests} keep-alive `GET /` over "
        f"{args.connections} connections from yoke-loadgen's fixed-count mode (CPU 1; each "
        f"connection sends its next request when the answer has arrived), dump; Ir of the "
        f"whole process (all threads) ÷ {args.requests}. Proxies: one worker/thread, configs "
        f"from bench/configs (nginx with `master_process off; daemon off;`, HAProxy `-db`), "
        f"the demo backends natively on CPU 1. Kernel instructions are not counted. "
        f"{args.repeat} run(s) per target. Wall time {facts.get('wall', '?')}.", "",
        "| target | instructions/request per run | median | spread (max−min)/median "
        "| Yoke ÷ this | issue 3 target | |", "|---|---:|---:|---:|---:|---:|---|"]
    lines += [_row(t, runs, medians) for t, runs in results.items()]
    lines += ["", "The Yoke ÷ direct column is how many times the backend's own user-space work "
              "a request costs in Yoke (the backend is the floor, not a target)."]
    summary = {"date": facts["date"], "commit": facts["commit"], "requests": args.requests,
               "instructions_per_request": {t: round(v, 1) for t, v in medians.items()}}
    return "\n".join(lines), summary
