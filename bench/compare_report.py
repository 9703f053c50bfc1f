"""Markdown report for bench/compare.py: summary, one table per scenario, problems, raw runs."""
import statistics

from machine import facts_lines
from proxies import NAMES
from report_summary import summary_table
from report_tables import idle_table, ms, num, open_loop_table, wrk_table


def _problem(result):
    if result.get("error") or result.get("errors"):
        return result.get("error") or result.get("error_detail")
    if result.get("failed"):
        return (f"{result['failed']} idle connections failed "
                f"({result.get('first_failure', '')})")
    if result.get("closed_by_proxy"):
        return f"the proxy closed {result['closed_by_proxy']} of the idle connections"
    return None


def _problems(proxies, rounds, notes):
    lines = []
    for n, r in enumerate(rounds, 1):
        for p in ["direct"] + list(proxies):
            for key, result in sorted(r.get(p, {}).items()):
                what = _problem(result)
                if what:
                    lines.append(f"- round {n}, {NAMES[p]}, ({key}): {what}")
    lines += [f"- {note}" for note in notes]
    return ["## Problems", ""] + (lines or ["None: no load-tool errors, no non-2xx, no crashes, "
                                            "no failed idle connections."]) + [""]


def _raw(scenarios, proxies, rounds):
    lines = ["## Raw runs", "", "`CPU 0 others`: share of the proxy's core used by other "
             "processes during the run (noise; should be near 0). `CPU 0 softirq`: interrupt "
             "work on that core, mostly loopback TCP, not counted in the proxy's CPU.", "",
             "| round | target | scenario | requests | req/s | p50 | p99 | CPU µs/req "
             "| CPU 0 others | CPU 0 softirq |", "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for n, r in enumerate(rounds, 1):
        for p in ["direct"] + list(proxies):
            for s in scenarios:
                x = r.get(p, {}).get(s.key)
                if x is None or s.kind == "idle":
                    continue
                lines.append(f"| {n} | {NAMES[p]} | {s.key} | {x.get('requests', '—')} "
                             f"| {num(x.get('rps'), 0)} | {ms(x.get('p50_us'))} "
                             f"| {ms(x.get('p99_us'))} | {num(x.get('cpu_us_per_req'), 2)} "
                             f"| {num(x.get('cpu0_other_pct'), 0)}% "
                             f"| {num(x.get('cpu0_irq_pct'), 0)}% |")
    return lines + [""]


def _noise_warning(rounds):
    shares = [x["cpu0_other_pct"] for r in rounds for res in r.values() for x in res.values()
              if "cpu0_other_pct" in x]
    if not shares or statistics.median(shares) < 10:
        return []
    return [f"> **Noisy machine:** other processes used a median {statistics.median(shares):.0f}% "
            "of the proxy's core (CPU 0) during the runs. Absolute req/s and latencies are "
            "depressed; CPU µs/req and the ratios are the more trustworthy figures. Rerun on a "
            "quiet machine for clean numbers.", ""]


def render_report(facts, args, rounds, notes=()):
    proxies, scenarios = args.proxies, args.scenarios
    lines = ["# Yoke vs nginx vs HAProxy (bench/compare)", ""] + facts_lines(facts) + [
        f"- Method: {args.rounds} round(s), {args.duration} s per scenario, medians over "
        f"rounds. Each proxy: 1 worker/thread pinned to CPU 0; the load generator (wrk, 1 "
        f"thread, or yoke-loadgen), three yoke-demo-backend backends and the driver on CPU 1; "
        f"keep-alive to the backends; logs off. CPU µs/req = proxy utime+stime during the run "
        f"÷ completed requests. Wall time {facts.get('wall', '?')}.", ""]
    lines += _noise_warning(rounds)
    lines += summary_table(proxies, rounds, {s.key for s in scenarios})
    for scenario in scenarios:
        if scenario.kind == "wrk":
            lines += wrk_table(scenario, proxies, rounds)
        elif scenario.kind == "openloop":
            lines += open_loop_table(scenario, proxies, rounds)
        else:
            lines += idle_table(scenario, proxies, rounds)
    lines += _problems(proxies, rounds, notes)
    lines += _raw(scenarios, proxies, rounds)
    return "\n".join(lines)
