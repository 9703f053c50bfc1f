"""Date, machine and tool versions for the reports of bench/compare, bench/profile, bench/scaling."""
import datetime
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unavailable"


def machine_facts(yoke):
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
        "nproc": str(os.cpu_count()), "cpu": model,
        "kernel": f"{platform.system()} {platform.release()}",
        "yoke": _version([yoke, "-v"]),
        "commit": _version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
        "nginx": _version(["nginx", "-v"]), "haproxy": _version(["haproxy", "-v"]),
        "wrk": _version(["wrk", "-v"]),
    }


def facts_lines(facts):
    """The report's header lines (markdown list items)."""
    return [f"- Date: {facts['date']}", f"- nproc: {facts['nproc']}", f"- CPU: {facts['cpu']}",
            f"- Kernel: {facts['kernel']}",
            f"- Versions: {facts['yoke']} (commit {facts['commit']}); {facts['nginx']}; "
            f"{facts['haproxy']}; {facts['wrk']}"]
