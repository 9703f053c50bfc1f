"""Network namespaces as "hosts" on one bridge, for multi-node tests (tests/e2e/README.md).

    with NetLab() as lab:                      # a bridge in a namespace of its own
        a = lab.host("a")                      # namespace + veth "eth0" 10.77.0.N/24 on the bridge
        p = a.spawn(["yoke", "-c", path], "yoke")   # runs inside a, stdout/stderr to files
        a.run(["ip", "addr"])                  # one command inside a, bounded, checked
        a.link_down(); a.link_up()             # pull and replug the host's cable
    # leaving the block kills every process it started and deletes every namespace

Addresses exist only inside the lab's namespaces: traffic enters through a host (spawn/run in
the client's namespace), never from the root namespace (from there it would leave the machine).
Namespace names are "yke2e-PID-NAME" (PID: the Python process that made them), so a run that was
killed (SIGKILL, a CI timeout) is cleaned by the next one: clean_stale() kills what still runs in
namespaces whose PID is gone and deletes them. Every wait is bounded. Needs root (CI has it).
"""

import os
import re
import signal
import subprocess
import tempfile
import time

PREFIX = "yke2e-"
SUBNET = "10.77.0."  # /24, inside the lab only
_STALE = re.compile(r"^%s(\d+)-" % re.escape(PREFIX))


def _ip(*args, check=True, timeout=10):
    return subprocess.run(["ip", *args], check=check, timeout=timeout, capture_output=True,
                          text=True)


def namespaces():
    """Every network namespace's name on the machine."""
    out = _ip("netns", "list").stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def _kill_namespace_processes(ns, timeout=5):
    """SIGKILL whatever still runs in ns (keepalived's children, a server a test leaked), then
    wait until none is left. Bounded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = [int(p) for p in _ip("netns", "pids", ns, check=False).stdout.split()]
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


def delete_namespace(ns):
    _kill_namespace_processes(ns)
    _ip("netns", "del", ns, check=False)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale():
    """Deletes the namespaces (and temp folders) of earlier runs whose Python process is gone.
    Returns the namespaces' names."""
    stale = []
    for ns in namespaces():
        match = _STALE.match(ns)
        if match and not _alive(int(match.group(1))):
            delete_namespace(ns)
            stale.append(ns)
    base = tempfile.gettempdir()
    for name in os.listdir(base):
        match = re.match(r"^yoke-e2e-(\d+)-", name)
        if match and not _alive(int(match.group(1))) and not os.environ.get("YOKE_E2E_KEEP"):
            subprocess.run(["rm", "-rf", os.path.join(base, name)], check=False, timeout=30)
    return stale


class Host:
    """One namespace with one link ("eth0") to the lab's bridge, and loopback up."""

    def __init__(self, lab, name, index):
        self.lab = lab
        self.name = name
        self.ns = "%s%d-%s" % (PREFIX, os.getpid(), name)
        self.address = SUBNET + str(index)
        self.port_name = "p%d" % index  # its veth's other end, in the bridge namespace
        self.processes = []

    def command(self, args):
        return ["ip", "netns", "exec", self.ns, *args]

    def run(self, args, timeout=10, check=True):
        """Runs args inside this host and returns the CompletedProcess (text output)."""
        return subprocess.run(self.command(args), check=check, timeout=timeout,
                              capture_output=True, text=True)

    def spawn(self, args, label, stdin=subprocess.DEVNULL):
        """Starts args inside this host (`ip netns exec` execs it, so the Popen's pid is the
        program's). Its stdout and stderr go to LAB_DIR/HOST-LABEL.out/.err. Stopped at the
        lab's exit if still running."""
        base = os.path.join(self.lab.dir, "%s-%s" % (self.name, label))
        out = open(base + ".out", "wb")
        err = open(base + ".err", "wb")
        process = subprocess.Popen(self.command(args), stdout=out, stderr=err, stdin=stdin)
        out.close()
        err.close()
        process.label = label
        process.out_path, process.err_path = base + ".out", base + ".err"
        self.processes.append(process)
        return process

    def link_down(self):
        """Pulls the cable: the host's end of the link goes down (its address stays)."""
        self.run(["ip", "link", "set", "eth0", "down"])

    def link_up(self):
        self.run(["ip", "link", "set", "eth0", "up"])

    def stop_processes(self, timeout=5):
        for process in reversed(self.processes):
            stop_process(process, timeout)


def stop_process(process, timeout=5):
    """SIGTERM, then SIGKILL after timeout; returns the exit code. Bounded."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    return process.returncode


class NetLab:
    """A bridge in a namespace of its own, and hosts on it (see the module's doc)."""

    def __init__(self, keep_dir=False):
        clean_stale()
        self.dir = tempfile.mkdtemp(prefix="yoke-e2e-%d-" % os.getpid())
        self.keep_dir = keep_dir
        self.bridge_ns = "%s%d-bridge" % (PREFIX, os.getpid())
        self.hosts = {}
        self._made = []  # namespaces to delete, in creation order
        try:
            self._add_namespace(self.bridge_ns)
            _ip("-n", self.bridge_ns, "link", "add", "br0", "type", "bridge")
            _ip("-n", self.bridge_ns, "link", "set", "br0", "up")
        except BaseException:
            self.close()
            raise

    def _add_namespace(self, ns):
        _ip("netns", "add", ns)
        self._made.append(ns)
        _ip("-n", ns, "link", "set", "lo", "up")

    def host(self, name):
        """A new host NAME with the next address of the subnet (.1, .2, …)."""
        if name in self.hosts:
            raise ValueError("host %r exists" % name)
        host = Host(self, name, len(self.hosts) + 1)
        self._add_namespace(host.ns)
        # Both ends are made inside the namespaces, so no interface name is ever taken in the
        # root namespace (two labs may run at once).
        _ip("link", "add", "eth0", "netns", host.ns, "type", "veth", "peer", "name",
            host.port_name, "netns", self.bridge_ns)
        _ip("-n", self.bridge_ns, "link", "set", host.port_name, "master", "br0", "up")
        _ip("-n", host.ns, "addr", "add", host.address + "/24", "dev", "eth0")
        _ip("-n", host.ns, "link", "set", "eth0", "up")
        self.hosts[name] = host
        return host

    def close(self):
        """Stops every process (by PID), then deletes every namespace. Idempotent."""
        for host in self.hosts.values():
            host.stop_processes()
        for ns in reversed(self._made):
            delete_namespace(ns)
        self._made = []
        self.hosts = {}
        if not self.keep_dir:
            subprocess.run(["rm", "-rf", self.dir], check=False, timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
