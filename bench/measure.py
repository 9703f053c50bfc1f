"""One proxy instance per measurement: wrk scenarios, open-loop latency and idle memory."""
import time
from dataclasses import dataclass, field
from pathlib import Path

from load_tools import run_loadgen, run_wrk
from procs import Processes, cpu0_seconds, cpu_seconds, rss_bytes
from proxies import ProxyRun
from http_probe import hold_idle_connections
from scenarios import BY_KEY

PROXY_CPU, LOAD_CPU = 0, 1
WARMUP_SECONDS = 2


@dataclass
class Bench:
    """What every measurement needs: started processes, binaries, backends, settings, a log."""
    procs: Processes
    yoke: str
    loadgen: str
    backend_ports: list
    work_dir: Path
    duration: int
    log: callable
    notes: list = field(default_factory=list)

    def start(self, proxy, label, cpu=PROXY_CPU, workers=1):
        return ProxyRun(self.procs, proxy, self.yoke, self.backend_ports, self.work_dir, label,
                        cpu, workers)


def _with_cpu(run, measure):
    """Runs measure() and adds the proxy's CPU time and what else ran on CPU 0 meanwhile."""
    pids = run.pids()
    cpu_before, (tasks_before, irq_before) = cpu_seconds(pids), cpu0_seconds()
    start = time.monotonic()
    result = dict(measure())
    elapsed = time.monotonic() - start
    proxy_cpu = cpu_seconds(pids) - cpu_before
    tasks_after, irq_after = cpu0_seconds()
    result["cpu_seconds"] = proxy_cpu
    # Other processes on the proxy's core (noise), and softirq (mostly loopback TCP work).
    result["cpu0_other_pct"] = 100.0 * max(0.0, tasks_after - tasks_before - proxy_cpu) / elapsed
    result["cpu0_irq_pct"] = 100.0 * (irq_after - irq_before) / elapsed
    # yoke-loadgen counts only requests due after its warm-up, but the CPU window spans the
    # warm-up too: divide by every request it sent ("sent"); wrk reports all it completed.
    done = result.get("sent") or result.get("requests")
    if done:
        result["cpu_us_per_req"] = proxy_cpu * 1e6 / done
    died = run.problem()
    if died:
        result["error"] = died
    return result


def describe(result):
    """One log line for a wrk or loadgen result."""
    if "requests" not in result:
        return "FAILED: " + result.get("error", "no output")
    text = (f"{result['rps']:.0f} req/s, p50 {result['p50_us']:.0f} us, "
            f"p99 {result['p99_us']:.0f} us")
    if "cpu_us_per_req" in result:
        text += f", {result['cpu_us_per_req']:.2f} CPU us/req"
    if "cpu0_other_pct" in result:
        text += (f", CPU 0: other processes {result['cpu0_other_pct']:.0f}%, "
                 f"softirq {result['cpu0_irq_pct']:.0f}%")
    if result.get("errors"):
        text += f", ERRORS {result['error_detail']}"
    return text + (f", {result['error']}" if "error" in result else "")


def run_wrk_scenarios(bench, proxy, scenarios, label):
    """A fresh proxy, a warm-up, then each wrk scenario; {key: result}."""
    run = bench.start(proxy, label)
    results = {}
    try:
        failure = run.wait_serving()
        if failure:
            return {s.key: {"error": failure} for s in scenarios}
        run_wrk(bench.procs, run.url, BY_KEY["a"], WARMUP_SECONDS, LOAD_CPU)
        for scenario in scenarios:
            time.sleep(1)  # let the previous run's sockets drain
            url = run.tls_url if scenario.tls else run.url
            results[scenario.key] = _with_cpu(run, lambda s=scenario, u=url: run_wrk(
                bench.procs, u, s, bench.duration, LOAD_CPU))
            bench.log(f"  {proxy:8} ({scenario.key}) {describe(results[scenario.key])}")
            if run.problem():
                break
    finally:
        run.stop()
    return results


def run_open_loop(bench, target, rate, label, connections=50):
    """yoke-loadgen at `rate` against a fresh proxy, or the first backend when target is
    "direct"; warms up for 1 s at the same rate (not counted)."""
    def load(port):
        return run_loadgen(bench.procs, bench.loadgen, port, LOAD_CPU, connections=connections,
                           rate=rate, warmup=1, duration=bench.duration)
    if target == "direct":
        result = load(bench.backend_ports[0])
    else:
        run = bench.start(target, label)
        try:
            failure = run.wait_serving()
            result = {"error": failure} if failure else _with_cpu(run, lambda: load(run.port))
        finally:
            run.stop()
    result["rate"] = rate
    bench.log(f"  {target:8} (e) at {rate:.0f} req/s: {describe(result)}")
    return result


def run_idle(bench, proxy, scenario, label):
    """A fresh proxy: RSS before and after scenario.connections idle keep-alive connections
    (TLS ones when scenario.tls)."""
    count = scenario.connections
    run = bench.start(proxy, label)
    try:
        failure = run.wait_serving()
        if failure:
            return {"error": failure}
        run_wrk(bench.procs, run.tls_url if scenario.tls else run.url, BY_KEY["a"], 1, LOAD_CPU)
        time.sleep(0.5)
        pids = run.pids()
        result = {"rss_before": rss_bytes(pids)}
        port = run.tls_port if scenario.tls else run.port
        # A full TLS handshake per connection takes a few ms of the Python client's time.
        result.update(hold_idle_connections(port, count, lambda: rss_bytes(pids),
                                            budget_seconds=240 if scenario.tls else 90,
                                            tls=scenario.tls))
        result["bytes_per_conn"] = (result["rss_after"] - result["rss_before"]) / count
        # Connections the proxy closed while idle make bytes/conn meaningless: a failed run.
        result["closed_by_proxy"] = max(0, count - result["failed"] - result["alive"])
        died = run.problem()
        if died:
            result["error"] = died
        bench.log(f"  {proxy:8} ({scenario.key}) idle RSS {result['rss_before'] / 1e6:.1f} MB -> "
                  f"{result['rss_after'] / 1e6:.1f} MB, {result['bytes_per_conn']:.0f} B/conn, "
                  f"{result['alive']}/{count} still open, {result['failed']} failed"
                  + (f" (first: {result['first_failure']})" if result["failed"] else ""))
        return result
    except Exception as error:  # report and go on with the other proxies
        return {"error": f"{proxy} idle test: {error}; {run.problem() or 'proxy still running'}"}
    finally:
        run.stop()
