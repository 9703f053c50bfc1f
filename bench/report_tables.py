"""Per-scenario markdown tables for bench/compare: medians over rounds and Yoke's ratios."""
import statistics

from proxies import NAMES


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def round_values(rounds, who, key, field):
    return [r[who][key][field] for r in rounds if field in r.get(who, {}).get(key, {})]


def median_of(rounds, who, key, field):
    return median(round_values(rounds, who, key, field))


def ms(us):
    if us is None:
        return "—"
    value = us / 1000
    return f"{value:.3f} ms" if abs(value) < 10 else f"{value:.1f} ms"


def num(value, digits):
    return "—" if value is None else f"{value:,.{digits}f}"


def ratio(yoke, peer):
    """Yoke ÷ peer, or None when either is missing or the peer's figure is not positive."""
    return None if yoke is None or peer is None or peer <= 0 else yoke / peer


def ratio_text(yoke, peer):
    value = ratio(yoke, peer)
    return "—" if value is None else f"{value:.2f}"


def errors_text(rounds, who, key):
    """Load-tool errors summed over rounds, plus failed runs."""
    total, failed = 0, 0
    for r in rounds:
        result = r.get(who, {}).get(key, {})
        total += result.get("errors", 0)
        failed += "requests" not in result
    return f"{total}" + (f" + {failed} failed run(s)" if failed else "")


def ratio_line(figures, what):
    yoke = figures.get("yoke")
    parts = [f"Yoke ÷ {NAMES[p]}: **{ratio_text(yoke, figures[p])}**"
             for p in ("nginx", "haproxy") if p in figures and yoke is not None]
    return ["", f"{what}, Yoke ÷ peer (lower is better): " + " · ".join(parts)] if parts else []


def wrk_table(scenario, proxies, rounds):
    key = scenario.key
    cpu = {p: median_of(rounds, p, key, "cpu_us_per_req") for p in proxies}
    lines = [f"## ({key}) {scenario.title}", "",
             "| proxy | req/s | p50 | p99 | CPU µs/req | Yoke ÷ this (CPU µs/req) | errors |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for p in proxies:
        lines.append(f"| {NAMES[p]} | {num(median_of(rounds, p, key, 'rps'), 0)} "
                     f"| {ms(median_of(rounds, p, key, 'p50_us'))} "
                     f"| {ms(median_of(rounds, p, key, 'p99_us'))} | {num(cpu[p], 2)} "
                     f"| {'—' if p == 'yoke' else ratio_text(cpu.get('yoke'), cpu[p])} "
                     f"| {errors_text(rounds, p, key)} |")
    return lines + ratio_line(cpu, "CPU µs/req") + [""]


def added_p99(rounds, proxy):
    """Median over rounds of (proxy p99 − direct p99) in the same round, µs."""
    added = [r[proxy]["e"]["p99_us"] - r["direct"]["e"]["p99_us"] for r in rounds
             if "p99_us" in r.get(proxy, {}).get("e", {})
             and "p99_us" in r.get("direct", {}).get("e", {})]
    return median(added)


def open_loop_table(scenario, proxies, rounds):
    added = {p: added_p99(rounds, p) for p in proxies}
    rates = round_values(rounds, "direct", "e", "rate")
    sources = sorted({r["direct"]["e"].get("rate_source", "?") for r in rounds if "direct" in r})
    lines = [f"## (e) {scenario.title}", "",
             f"Rate: {', '.join(f'{x:,.0f}' for x in rates)} req/s (per round; half of "
             f"{'; '.join(sources)}), yoke-loadgen on CPU 1, latency from the time each request "
             "was due. Added p99 = proxy p99 − direct p99 of the same round, median over rounds.",
             "", "| target | achieved req/s | p50 | p99 | p99 added over direct "
             "| Yoke ÷ this (added p99) | CPU µs/req | queued | errors |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for who in ["direct"] + list(proxies):
        ratio_cell = "—" if who in ("yoke", "direct") else ratio_text(added.get("yoke"), added[who])
        lines.append(f"| {NAMES[who]} | {num(median_of(rounds, who, 'e', 'rps'), 0)} "
                     f"| {ms(median_of(rounds, who, 'e', 'p50_us'))} "
                     f"| {ms(median_of(rounds, who, 'e', 'p99_us'))} "
                     f"| {'—' if who == 'direct' else ms(added[who])} | {ratio_cell} "
                     f"| {num(median_of(rounds, who, 'e', 'cpu_us_per_req'), 2)} "
                     f"| {num(median_of(rounds, who, 'e', 'queued'), 0)} "
                     f"| {errors_text(rounds, who, 'e')} |")
    return lines + ratio_line(added, "p99 added over direct") + [""]


def idle_table(scenario, proxies, rounds):
    per_conn = {p: median_of(rounds, p, scenario.key, "bytes_per_conn") for p in proxies}
    lines = [f"## ({scenario.key}) idle memory: {scenario.title}", "",
             "Each connection first completes one GET, then stays open and idle; RSS (sum of "
             "VmRSS over the proxy's processes) is read 2 s later.", "",
             "| proxy | RSS before | RSS after | bytes / idle conn | Yoke ÷ this | still open "
             "| failed |", "|---|---:|---:|---:|---:|---:|---:|"]
    for p in proxies:
        before = median_of(rounds, p, scenario.key, "rss_before")
        after = median_of(rounds, p, scenario.key, "rss_after")
        failed = sum(r.get(p, {}).get(scenario.key, {}).get("failed", 0) for r in rounds)
        lines.append(f"| {NAMES[p]} | {num(before and before / 2**20, 1)} MiB "
                     f"| {num(after and after / 2**20, 1)} MiB | {num(per_conn[p], 0)} "
                     f"| {'—' if p == 'yoke' else ratio_text(per_conn.get('yoke'), per_conn[p])} "
                     f"| {num(median_of(rounds, p, scenario.key, 'alive'), 0)} | {failed} |")
    return lines + ratio_line(per_conn, "Idle bytes/conn") + [""]
