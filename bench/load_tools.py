"""Running the load generators: wrk (closed loop) and yoke-loadgen (open loop / fixed count)."""
import re
import subprocess

SLACK_SECONDS = 30  # a load tool gets its duration plus this before it is killed


def _microseconds(value, unit):
    return float(value) * {"us": 1, "ms": 1e3, "s": 1e6, "m": 60e6}[unit]


def parse_wrk(text):
    """requests, rps, p50/p99 (µs) and error counts from `wrk --latency` output."""
    result = {}
    match = re.search(r"(\d+) requests in", text)
    if match:
        result["requests"] = int(match.group(1))
    match = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if match:
        result["rps"] = float(match.group(1))
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        if match:
            result[f"p{pct}_us"] = _microseconds(*match.groups())
    details = []
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      text)
    if match:
        details += [f"{n} {kind}" for kind, n in
                    zip(("connect", "read", "write", "timeout"), map(int, match.groups())) if n]
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if match:
        details.append(f"{match.group(1)} non-2xx/3xx")
    result["errors"] = sum(int(d.split()[0]) for d in details)
    result["error_detail"] = ", ".join(details)
    return result


def _communicate(procs, process, seconds, argv):
    """(output text, None) or (None, error text) when the tool hung."""
    try:
        output, _ = process.communicate(timeout=seconds + SLACK_SECONDS)
    except subprocess.TimeoutExpired:
        procs.stop(process)
        return None, f"hung past {seconds + SLACK_SECONDS} s: {' '.join(argv)}"
    procs.stop(process)
    return output.decode(errors="replace"), None


def run_wrk(procs, base_url, scenario, duration, cpu, threads=1):
    """Runs wrk for one scenario; a dict from parse_wrk, or with "error"."""
    argv = ["wrk", f"-t{threads}", f"-c{scenario.connections}", f"-d{duration}s", "--latency",
            "--timeout", "5s"]
    if scenario.close:
        argv += ["-H", "Connection: close"]
    argv.append(base_url.rstrip("/") + scenario.path)
    process = procs.start(argv, cpu, subprocess.PIPE)
    text, hung = _communicate(procs, process, duration, argv)
    if hung:
        return {"error": "wrk " + hung}
    result = parse_wrk(text)
    if process.returncode != 0 or "requests" not in result:
        result["error"] = f"wrk exit {process.returncode}: {text.strip()[-300:]}"
    return result


def parse_loadgen(text):
    """yoke-loadgen's key=value lines as a dict (numbers converted)."""
    result = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if not sep:
            continue
        try:
            result[key] = float(value) if "." in value else int(value)
        except ValueError:
            result[key] = value
    return result


def run_loadgen(procs, loadgen, port, cpu, path="/", connections=50, rate=None, warmup=1,
                duration=10, requests=None):
    """Open loop (rate) or fixed count (requests); a dict from parse_loadgen, or with "error".
    Errors, non-2xx and unanswered requests are summed into "errors" like wrk's."""
    argv = [loadgen, "--port", str(port), "--path", path, "--connections", str(connections)]
    if rate:
        argv += ["--rate", f"{rate:.0f}", "--warmup", str(warmup), "--duration", str(duration)]
        seconds = warmup + duration
    else:
        argv += ["--requests", str(requests)]
        seconds = duration
    process = procs.start(argv, cpu, subprocess.PIPE)
    text, hung = _communicate(procs, process, seconds, argv)
    if hung:
        return {"error": "yoke-loadgen " + hung}
    result = parse_loadgen(text)
    problems = {k: result.get(k, 0) for k in ("errors", "non_2xx", "unfinished")}
    result["errors"] = sum(problems.values())
    result["error_detail"] = ", ".join(f"{v} {k}" for k, v in problems.items() if v)
    if result.get("first_error"):
        result["error_detail"] += f" (first: {result['first_error']})"
    if "requests" not in result:
        result["error"] = f"yoke-loadgen exit {process.returncode}: {text.strip()[-300:]}"
    return result
