"""The summary table at the top of bench/compare's report: every row of issue 3's target list,
Yoke ÷ nginx and Yoke ÷ HAProxy from this run, the target beside it, met or missed."""
import json

from proxies import ROOT
from report_tables import added_p99, median_of, ratio
from scenarios import TARGETS

PROFILE_JSON = ROOT / "bench" / "results" / "profile.json"


def _profile_figures():
    """Instructions per request from bench/profile's last run, and its date (or None)."""
    try:
        data = json.loads(PROFILE_JSON.read_text())
        return data["instructions_per_request"], data["date"]
    except (OSError, ValueError, KeyError):
        return None, None


def _figures(key, proxies, rounds):
    if key == "e":
        return {p: added_p99(rounds, p) for p in proxies}
    field = "bytes_per_conn" if key in ("f", "i") else "cpu_us_per_req"
    return {p: median_of(rounds, p, key, field) for p in proxies}


def _cell(figures, peer, target):
    """(ratio text, verdict) for Yoke against one peer."""
    if peer not in figures:
        return "—", "not run"
    value = ratio(figures.get("yoke"), figures[peer])
    if value is None:
        return "—", "no figure"
    return f"{value:.2f}", "met" if value <= target else "**missed**"


def _row(target, proxies, rounds, selected):
    key, title, figure, vs_nginx, vs_haproxy, not_measured = target
    if not_measured:
        return f"| {title} | {figure} | {not_measured} | {vs_nginx} | — | — | {vs_haproxy} | — |"
    if key == "profile":
        figures, date = _profile_figures()
        if figures is None:
            return (f"| {title} | {figure} | not measured in this run: run bench/profile "
                    f"| ≤ {vs_nginx} | — | — | ≤ {vs_haproxy} | — |")
        title += f" (bench/profile, {date})"
    elif key not in selected:
        return f"| {title} | {figure} | not run (--scenarios) | ≤ {vs_nginx} | — | — " \
               f"| ≤ {vs_haproxy} | — |"
    else:
        figures = _figures(key, proxies, rounds)
        title = f"({key}) {title}"
    nginx_ratio, nginx_verdict = _cell(figures, "nginx", vs_nginx)
    haproxy_ratio, haproxy_verdict = _cell(figures, "haproxy", vs_haproxy)
    return (f"| {title} | {figure} | {nginx_ratio} | ≤ {vs_nginx} | {nginx_verdict} "
            f"| {haproxy_ratio} | ≤ {vs_haproxy} | {haproxy_verdict} |")


def summary_table(proxies, rounds, selected_keys):
    lines = ["## Summary: issue 3's targets (Yoke ÷ peer, same run, lower is better)", "",
             "| scenario | figure | Yoke ÷ nginx | target | | Yoke ÷ HAProxy | target | |",
             "|---|---|---:|---:|---|---:|---:|---|"]
    lines += [_row(t, proxies, rounds, selected_keys) for t in TARGETS]
    return lines + ["", "Details per scenario below. A missed target does not change the exit "
                    "status; only failed runs do.", ""]


