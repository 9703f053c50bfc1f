"""Starting and stopping benchmark processes, and what /proc says about them (stdlib only)."""
import os
import resource
import signal
import socket
import subprocess
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STOP_GRACE_SECONDS = 10


class Processes:
    """Every process the benchmark starts, so that all of them are stopped at the end."""

    def __init__(self):
        self.live = []
        self.notes = []  # e.g. a proxy that ignored SIGTERM

    def start(self, argv, cpu, output):
        """Starts argv pinned to `cpu` (a CPU number or list like "0,1"; None: not pinned);
        output is a file path or subprocess.PIPE."""
        sink = open(output, "ab") if output is not subprocess.PIPE else subprocess.PIPE
        try:
            # taskset execs argv, so the Popen pid is the program's own pid.
            pin = [] if cpu is None else ["taskset", "-c", str(cpu)]
            process = subprocess.Popen(pin + list(argv),
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
