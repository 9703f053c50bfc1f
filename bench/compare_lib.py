"""Process, /proc and load-generator helpers for bench/compare.py (standard library only)."""
import http.client
import os
import re
import resource
import signal
import socket
import subprocess
import time
from collections import namedtuple

Scenario = namedtuple("Scenario", "key title connections close")

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STOP_GRACE_SECONDS = 10
WRK_SLACK_SECONDS = 30  # wrk gets its duration plus this before it is killed


class Processes:
    """Every process the benchmark starts, so that all of them are stopped at the end."""

    def __init__(self):
        self.live = []
        self.notes = []  # e.g. a proxy that ignored SIGTERM

    def start(self, argv, cpu, output):
        """Starts argv pinned to `cpu`; output is a file path or subprocess.PIPE."""
        sink = open(output, "ab") if output is not subprocess.PIPE else subprocess.PIPE
        try:
            # taskset execs argv, so the Popen pid is the program's own pid.
            process = subprocess.Popen(["taskset", "-c", str(cpu)] + list(argv),
                                       stdin=subprocess.DEVNULL, stdout=sink,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            if sink is not subprocess.PIPE:
                sink.close()
        process.argv_text = " ".join(argv)
        self.live.append(process)
        return process

    def stop(self, process):
        """SIGTERM, then SIGKILL after a grace period; children (nginx workers) too."""
        children = [pid for pid in proxy_pids(process.pid) if pid != process.pid]
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.notes.append(f"`{process.argv_text}` ignored SIGTERM for "
                                  f"{STOP_GRACE_SECONDS} s and was killed")
                process.kill()
                process.wait(5)
        deadline = time.monotonic() + 3
        while children and time.monotonic() < deadline:
            children = [pid for pid in children if os.path.exists(f"/proc/{pid}")]
            time.sleep(0.05)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if process in self.live:
            self.live.remove(process)

    def stop_all(self):
        for process in list(self.live):
            self.stop(process)


def raise_fd_limit():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port():
    """A port the kernel considers free right now (bind to port 0 on loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stat_fields(pid):
    """Fields of /proc/PID/stat after the command name (field 3, state, is index 0)."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def proxy_pids(root_pid):
    """root_pid and all its descendants (nginx: master and worker)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(_stat_fields(entry)[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [root_pid], [root_pid]
    while frontier:
        frontier = [pid for pid, ppid in parents.items() if ppid in frontier]
        found += frontier
    return found


def cpu_seconds(pids):
    """utime+stime summed over pids (/proc/PID/stat covers all threads of a process)."""
    total = 0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / CLOCK_TICKS


def cpu0_seconds():
    """(task time, irq+softirq time) of CPU 0 from /proc/stat: what else ran on the proxy's core."""
    with open("/proc/stat") as stat:
        for line in stat:
            if line.startswith("cpu0 "):
                v = [int(x) for x in line.split()[1:]]
                return (v[0] + v[1] + v[2] + v[7]) / CLOCK_TICKS, (v[5] + v[6]) / CLOCK_TICKS
    return 0.0, 0.0


def rss_bytes(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def http_get(port, timeout=2.0):
    """One GET / on a new connection; returns (status, connection) with the body read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request("GET", "/", headers={"Host": "bench"})
    response = connection.getresponse()
    response.read()
    return response.status, connection


def wait_until_serving(url, problem, seconds=10):
    """None once GET url answers 200, else why not (problem() reports a dead process)."""
    port = int(url.rsplit(":", 1)[1].strip("/"))
    deadline, last = time.monotonic() + seconds, "no answer"
    while time.monotonic() < deadline:
        died = problem()
        if died:
            return died
        try:
            status, connection = http_get(port, timeout=1.0)
            connection.close()
            if status == 200:
                return None
            last = f"status {status}"
        except (OSError, http.client.HTTPException) as error:
            last = str(error) or type(error).__name__
        time.sleep(0.1)
    return f"{url} not serving after {seconds} s ({last})"


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


def run_wrk(procs, url, scenario, duration, cpu):
    """Runs wrk (one thread) for one scenario; a dict from parse_wrk, or with "error"."""
    argv = ["wrk", "-t1", f"-c{scenario.connections}", f"-d{duration}s", "--latency",
            "--timeout", "5s"]
    if scenario.close:
        argv += ["-H", "Connection: close"]
    process = procs.start(argv + [url], cpu, subprocess.PIPE)
    try:
        output, _ = process.communicate(timeout=duration + WRK_SLACK_SECONDS)
    except subprocess.TimeoutExpired:
        procs.stop(process)
        return {"error": f"wrk hung past {duration + WRK_SLACK_SECONDS} s: {' '.join(argv)}"}
    procs.stop(process)
    text = output.decode(errors="replace")
    result = parse_wrk(text)
    if process.returncode != 0 or "requests" not in result:
        result["error"] = f"wrk exit {process.returncode}: {text.strip()[-300:]}"
    return result


def _is_open(connection):
    try:
        connection.sock.settimeout(0)  # with a timeout set, recv would wait for data first
        return connection.sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True  # nothing to read, not closed: the idle connection is still there
    except OSError:
        return False


def hold_idle_connections(port, count, measure_rss, hold_seconds=2.0, budget_seconds=60):
    """Opens `count` keep-alive connections, one request each, holds them idle, measures."""
    connections, failed, attempts, first_failure = [], 0, 0, ""
    deadline = time.monotonic() + budget_seconds
    try:
        for _ in range(count):
            if time.monotonic() > deadline or failed > 50:
                break
            attempts += 1
            try:
                status, connection = http_get(port, timeout=5.0)
                connections.append(connection)
                if status != 200:
                    failed += 1
                    first_failure = first_failure or f"status {status}"
            except (OSError, http.client.HTTPException) as error:
                failed += 1
                first_failure = first_failure or (str(error) or type(error).__name__)
        time.sleep(hold_seconds)
        rss_after = measure_rss()
        alive = sum(1 for c in connections if _is_open(c))
    finally:
        for connection in connections:
            connection.close()
    failed += count - attempts  # connections never tried count as failed
    return {"rss_after": rss_after, "alive": alive, "failed": failed,
            "first_failure": first_failure}
