"""Markdown report for bench/compare.py: medians over rounds, Yoke's ratios, problems, raw runs."""
import statistics

NAMES = {"yoke": "Yoke", "nginx": "nginx", "haproxy": "HAProxy"}


def _median(rounds, proxy, key, field):
    values = [r[proxy][key][field] for r in rounds
              if proxy in r and field in r[proxy].get(key, {})]
    return statistics.median(values) if values else None


def _ms(us):
    if us is None:
        return "—"
    ms = us / 1000
    return f"{ms:.3f} ms" if ms < 10 else f"{ms:.1f} ms"


def _num(value, digits):
    return "—" if value is None else f"{value:,.{digits}f}"


def _ratio(yoke, peer):
    return "—" if yoke is None or not peer else f"{yoke / peer:.2f}"


def _errors(rounds, proxy, key):
    """wrk's non-2xx/socket errors summed over rounds, plus failed runs."""
    total, failed = 0, 0
    for r in rounds:
        result = r.get(proxy, {}).get(key, {})
        total += result.get("errors", 0)
        failed += "requests" not in result
    return f"{total}" + (f" + {failed} failed run(s)" if failed else "")


def _ratio_line(medians, what):
    yoke = medians.get("yoke")
    parts = [f"Yoke ÷ {NAMES[p]}: **{_ratio(yoke, medians[p])}**"
             for p in ("nginx", "haproxy") if p in medians and yoke is not None]
    return f"{what}, Yoke ÷ peer (lower is better): " + " · ".join(parts) if parts else ""


def _scenario_table(scenario, proxies, rounds):
    cpu = {p: _median(rounds, p, scenario.key, "cpu_us_per_req") for p in proxies}
    lines = [f"## ({scenario.key}) {scenario.title}", "",
             "| proxy | req/s | p50 | p99 | CPU µs/req | Yoke ÷ this (CPU µs/req) | errors |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for p in proxies:
        ratio = "—" if p == "yoke" else _ratio(cpu.get("yoke"), cpu[p])
        lines.append(f"| {NAMES[p]} | {_num(_median(rounds, p, scenario.key, 'rps'), 0)} "
                     f"| {_ms(_median(rounds, p, scenario.key, 'p50_us'))} "
                     f"| {_ms(_median(rounds, p, scenario.key, 'p99_us'))} "
                     f"| {_num(cpu[p], 2)} | {ratio} | {_errors(rounds, p, scenario.key)} |")
    ratio_line = _ratio_line(cpu, "CPU µs/req")
    return lines + ([""] + [ratio_line] if ratio_line else []) + [""]


def _idle_table(proxies, rounds, idle_count):
    per_conn = {p: _median(rounds, p, "d", "bytes_per_conn") for p in proxies}
    lines = [f"## (d) idle memory: {idle_count} idle keep-alive connections", "",
             "| proxy | RSS before | RSS after | bytes / idle conn | Yoke ÷ this | still open "
             "| failed |", "|---|---:|---:|---:|---:|---:|---:|"]
    for p in proxies:
        before = _median(rounds, p, "d", "rss_before")
        after = _median(rounds, p, "d", "rss_after")
        alive = _median(rounds, p, "d", "alive")
        failed = sum(r.get(p, {}).get("d", {}).get("failed", 0) for r in rounds)
        ratio = "—" if p == "yoke" else _ratio(per_conn.get("yoke"), per_conn[p])
        lines.append(f"| {NAMES[p]} | {_num(before and before / 2**20, 1)} MiB "
                     f"| {_num(after and after / 2**20, 1)} MiB | {_num(per_conn[p], 0)} "
                     f"| {ratio} | {_num(alive, 0)} | {failed} |")
    ratio_line = _ratio_line(per_conn, "Idle bytes/conn")
    return lines + ([""] + [ratio_line] if ratio_line else []) + [""]


def _problems(proxies, rounds, notes):
    lines = []
    for n, r in enumerate(rounds, 1):
        for p in proxies:
            for key, result in sorted(r.get(p, {}).items()):
                if result.get("error") or result.get("errors") or result.get("failed"):
                    what = (result.get("error") or result.get("error_detail")
                            or f"{result.get('failed')} idle connections failed "
                               f"({result.get('first_failure', '')})")
                    lines.append(f"- round {n}, {NAMES[p]}, ({key}): {what}")
    lines += [f"- {note}" for note in notes]
    return ["## Problems", ""] + (lines or ["None: no wrk errors, no non-2xx, no crashes."]) + [""]


def _raw(scenarios, proxies, rounds):
    lines = ["## Raw runs", "", "`CPU 0 others`: share of the proxy's core used by other "
             "processes during the run (noise; should be near 0). `CPU 0 softirq`: interrupt "
             "work on that core, mostly loopback TCP, not counted in the proxy's CPU.", "",
             "| round | proxy | scenario | requests | req/s | p50 | p99 | CPU µs/req "
             "| CPU 0 others | CPU 0 softirq |", "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for n, r in enumerate(rounds, 1):
        for p in proxies:
            for s in scenarios:
                x = r.get(p, {}).get(s.key, {})
                lines.append(f"| {n} | {NAMES[p]} | {s.key} | {x.get('requests', '—')} "
                             f"| {_num(x.get('rps'), 0)} | {_ms(x.get('p50_us'))} "
                             f"| {_ms(x.get('p99_us'))} | {_num(x.get('cpu_us_per_req'), 2)} "
                             f"| {_num(x.get('cpu0_other_pct'), 0)}% "
                             f"| {_num(x.get('cpu0_irq_pct'), 0)}% |")
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


def render_report(facts, args, scenarios, rounds, idle_count, notes=()):
    proxies = args.proxies
    lines = ["# Yoke vs nginx vs HAProxy (bench/compare)", "",
             f"- Date: {facts['date']}", f"- nproc: {facts['nproc']}", f"- CPU: {facts['cpu']}",
             f"- Kernel: {facts['kernel']}",
             f"- Versions: {facts['yoke']} (commit {facts['commit']}); {facts['nginx']}; "
             f"{facts['haproxy']}; {facts['wrk']}",
             f"- Method: {args.rounds} round(s), {args.duration} s per scenario, medians over "
             f"rounds. Each proxy: 1 worker/thread pinned to CPU 0; wrk (1 thread) and three "
             f"yoke-demo-backend backends on CPU 1; keep-alive to the backends; logs off. "
             f"CPU µs/req = proxy utime+stime during the wrk run ÷ completed requests. "
             f"Wall time {facts.get('wall', '?')}.", ""]
    lines += _noise_warning(rounds)
    for scenario in scenarios:
        lines += _scenario_table(scenario, proxies, rounds)
    lines += _idle_table(proxies, rounds, idle_count)
    lines += _problems(proxies, rounds, notes)
    lines += _raw(scenarios, proxies, rounds)
    return "\n".join(lines)
