"""Integration-test harness: start the real `yoke` binary and real backends on loopback ports the
kernel picks, talk to them with raw sockets or http.client, and clean everything up.

Paths come from the environment (run.py sets them):
    YOKE_BIN           the yoke binary
    YOKE_DEMO_BACKEND  the yoke-demo-backend binary
    YOKE_SANITIZED=1   an ASan/UBSan build: every timeout is multiplied by 3
    YOKE_IT_KEEP=1     keep each Yoke's temp dir (config, logs) for a look afterwards
    YOKE_EVENTS_USE    an event method (epoll, io_uring) every started Yoke must run on: see
                       with_event_method
    YOKE_IT_OUTPUT     where tests leave files for people to look at (screenshots): see
                       output_dir; build/test-output by default

Every wait here is bounded; a test never blocks forever.
"""

import faulthandler
import hashlib
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import backend as py_backend_module  # noqa: E402  (after the path tweak)

pattern_bytes = py_backend_module.pattern_bytes
encode_ws_frame = py_backend_module.encode_ws_frame
websocket_accept = py_backend_module.websocket_accept


def yoke_binary():
    return os.environ.get("YOKE_BIN", os.path.join(HERE, "..", "..", "build", "yoke"))


def demo_binary():
    return os.environ.get("YOKE_DEMO_BACKEND",
                          os.path.join(HERE, "..", "..", "build", "yoke-demo-backend"))


def sanitized():
    return os.environ.get("YOKE_SANITIZED") == "1"


def T(seconds):
    """A timeout in seconds, stretched for sanitizer builds."""
    return seconds * (3 if sanitized() else 1)


def output_dir(test):
    """A folder of the test's own under YOKE_IT_OUTPUT, emptied first, for what it leaves to be
    looked at after the run (the dashboard's screenshot)."""
    base = os.environ.get("YOKE_IT_OUTPUT") or os.path.join(HERE, "..", "..", "build",
                                                            "test-output")
    path = os.path.join(os.path.abspath(base), test.id())
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def free_port():
    """A port nothing listens on right now (bind to :0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout, process=None):
    """Waits until 127.0.0.1:port accepts a connection. Returns False on timeout or when
    `process` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.02)
    return False


def port_refuses(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


def rss_kib(pid):
    """Resident set size of a process in KiB (VmRSS in /proc/PID/status), or None if gone."""
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def process_tree(pid):
    """pid and all its descendants (from /proc/*/stat parent ids)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def tree_rss_kib(pid, pids=None):
    """RSS of pid plus its descendants: a multi-process server counts as a whole."""
    values = [rss_kib(p) for p in (pids or process_tree(pid))]
    values = [v for v in values if v is not None]
    return sum(values) if values else None


class RssSampler:
    """Samples the RSS of a process tree every `interval` seconds on a thread, keeping the
    peak."""

    def __init__(self, pid, interval=0.02):
        self.pid = pid
        self.interval = interval
        self.pids = process_tree(pid)
        self.baseline = tree_rss_kib(pid, self.pids)
        self.peak = self.baseline or 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            value = tree_rss_kib(self.pid, self.pids)
            if value is not None:
                self.peak = max(self.peak, value)
                self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=2)

    def growth_kib(self):
        return self.peak - (self.baseline or 0)


def _tail(text, lines=30):
    return "\n".join(text.splitlines()[-lines:])


def _read_file(path):
    try:
        with open(path, "r", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


# --------------------------------------------------------------------------------------------
# Yoke itself


def make_config(port, locations, upstreams="", server_extra="", http_extra="", main_extra=""):
    """An nginx-style config with one worker, an info-level error log and one server block.
    `@ERRLOG@` and `@DIR@` are filled in by Yoke."""
    return """worker_processes 1;
error_log @ERRLOG@ info;
%s
http {
%s
%s
  server {
    listen 127.0.0.1:%d;
%s
%s
  }
}
""" % (main_extra, http_extra, upstreams, port, server_extra, locations)


def upstream_block(name, servers, extra=""):
    """servers: strings such as "127.0.0.1:8080 weight=3" or "127.0.0.1:8081 backup"."""
    lines = "".join("    server %s;\n" % s for s in servers)
    return "  upstream %s {\n%s    %s\n  }\n" % (name, lines, extra)


class YokeError(AssertionError):
    pass


def forced_event_method():
    return os.environ.get("YOKE_EVENTS_USE", "")


def with_event_method(config_text, method):
    """config_text running on `events { use METHOD; }`: added to the first events block, or as
    a new block at the end, so the other directives keep their line numbers. A config that
    already names a method keeps it."""
    if not method or re.search(r"(^|[\s{;])use\s+\S+\s*;", config_text):
        return config_text
    block = re.search(r"(^|[\s;}])events\s*\{", config_text)
    if block:
        return config_text[:block.end()] + " use %s;" % method + config_text[block.end():]
    return config_text + "\nevents { use %s; }\n" % method


# The line each worker logs at notice level once its event loop exists.
def event_method_notice(method):
    return 'using the "%s" event method' % method


class Yoke:
    """Runs `yoke -c FILE` with the given config text. Use as a context manager or call start()
    and stop(). `@ERRLOG@` in the text becomes the error log path, `@DIR@` the temp dir."""

    def __init__(self, config_text, port, binary=None, start_timeout=10, wrapper=None):
        """wrapper: a command prefix that execs yoke in the same process (e.g. a seccomp
        filter), so that pid and signals stay Yoke's."""
        self.binary = binary or yoke_binary()
        self.wrapper = list(wrapper or [])
        self.port = port
        self.start_timeout = start_timeout
        self.dir = tempfile.mkdtemp(prefix="yoke-it-")
        self.config_path = os.path.join(self.dir, "yoke.conf")
        self.error_log_path = os.path.join(self.dir, "error.log")
        self.stdout_path = os.path.join(self.dir, "stdout.txt")
        self.stderr_path = os.path.join(self.dir, "stderr.txt")
        config_text = with_event_method(config_text, forced_event_method())
        self.config_text = (config_text.replace("@ERRLOG@", self.error_log_path)
                            .replace("@DIR@", self.dir))
        with open(self.config_path, "w") as f:
            f.write(self.config_text)
        self.process = None
        self.returncode = None
        self.killed = False  # stop() had to use SIGKILL
        self.stopped = False  # stop() already ran

    @property
    def pid(self):
        return self.process.pid

    def start(self):
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(self.wrapper + [self.binary, "-c", self.config_path],
                                            stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                            cwd=self.dir)
        if not wait_for_port(self.port, T(self.start_timeout), self.process):
            code = self.process.poll()
            self._force_stop()
            raise YokeError("yoke did not start listening on %d (exit code %s)\nconfig:\n%s\n"
                            "stderr:\n%s\nerror log:\n%s" %
                            (self.port, code, self.config_text, _tail(self.stderr),
                             _tail(self.error_log)))
        self._wait_for_admin()
        self._check_forced_event_method()
        return self

    def _wait_for_admin(self):
        """The admin listener opens after the workers' (under ASan noticeably later): a test's
        first API call must not race it. Any `admin { listen 127.0.0.1:PORT; ... }` counts."""
        match = re.search(r"admin\s*\{[^}]*?listen\s+127\.0\.0\.1:(\d+)", self.config_text)
        if match and not wait_for_port(int(match.group(1)), T(self.start_timeout), self.process):
            code = self.process.poll()
            self._force_stop()
            raise YokeError("yoke did not open its admin port %s (exit code %s)\nerror log:\n%s"
                            % (match.group(1), code, _tail(self.error_log)))

    def _check_forced_event_method(self):
        """Under YOKE_EVENTS_USE, a Yoke that quietly fell back to another method would make the
        run meaningless: fail instead. Visible only with the log at notice level or below; a
        wrapper may deny the method on purpose."""
        method = forced_event_method()
        if not method or self.wrapper or "use %s;" % method not in self.config_text:
            return
        if not re.search(r"error_log\s+\S+\s+(debug|info|notice)\s*;", self.config_text):
            return
        if event_method_notice(method) not in self.error_log:
            self._force_stop()
            raise YokeError("yoke did not report the %s event method\nerror log:\n%s" %
                            (method, _tail(self.error_log)))

    def running(self):
        return self.process is not None and self.process.poll() is None

    def signal(self, signum):
        self.process.send_signal(signum)

    def wait(self, timeout):
        """Waits for exit; returns the exit code or None on timeout."""
        try:
            self.returncode = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.returncode

    def stop(self, timeout=10):
        """SIGTERM, then wait; SIGKILL if it does not exit in time. Returns the exit code.
        Raises YokeError if Yoke had died on its own, or if a sanitizer reported an error."""
        if self.process is None or self.stopped:
            return self.returncode
        self.stopped = True
        died_early = self.process.poll()
        if died_early is None:
            self.process.send_signal(signal.SIGTERM)
            if self.wait(T(timeout)) is None:
                self._force_stop()
        else:
            self.returncode = died_early
        self.check_sanitizer()
        if died_early is not None and died_early != 0:
            raise YokeError("yoke exited by itself with code %s\nstderr:\n%s" %
                            (died_early, _tail(self.stderr)))
        return self.returncode

    def _force_stop(self):
        if self.process.poll() is None:
            self.killed = True
            self.process.kill()
        self.returncode = self.process.wait(timeout=10)

    def check_sanitizer(self):
        text = self.stderr
        if any(marker in text for marker in SANITIZER_MARKERS):
            raise YokeError("sanitizer report in yoke's stderr:\n" + _tail(text, 60))

    def cleanup(self):
        if self.process is not None and self.process.poll() is None:
            self._force_stop()
        if os.environ.get("YOKE_IT_KEEP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def stderr(self):
        return _read_file(self.stderr_path)

    @property
    def stdout(self):
        return _read_file(self.stdout_path)

    @property
    def error_log(self):
        return _read_file(self.error_log_path)

    RELOADED = "configuration reloaded"
    RELOAD_FAILED = "reload failed"

    def write_config(self, text):
        """Replaces the config file (atomically, as an editor or deploy tool would)."""
        text = text.replace("@ERRLOG@", self.error_log_path).replace("@DIR@", self.dir)
        with open(self.config_path + ".new", "w") as f:
            f.write(text)
        os.replace(self.config_path + ".new", self.config_path)

    def reload(self, text, timeout=10):
        """Writes text as the config, sends SIGHUP and waits (bounded) until the error log
        reports the outcome. Returns (outcome: RELOADED or RELOAD_FAILED or None on timeout,
        monotonic time SIGHUP was sent, monotonic time the outcome was seen)."""
        words = (self.RELOADED, self.RELOAD_FAILED)
        before = {word: self.error_log.count(word) for word in words}
        self.write_config(text)
        sent = time.monotonic()
        self.signal(signal.SIGHUP)
        deadline = sent + T(timeout)
        while time.monotonic() < deadline:
            log = self.error_log
            for word in words:
                if log.count(word) != before[word]:
                    return word, sent, time.monotonic()
            time.sleep(0.01)
        return None, sent, time.monotonic()

    def diagnostics(self):
        """Tails of stderr and the error log, for assertion messages."""
        return "\n--- yoke stderr ---\n%s\n--- yoke error log ---\n%s" % (
            _tail(self.stderr), _tail(self.error_log))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            self.cleanup()


def run_yoke_cli(args, timeout=10, binary=None):
    """Runs yoke with arguments (e.g. ["-t", "-c", path]); returns CompletedProcess (text)."""
    return subprocess.run([binary or yoke_binary()] + list(args), capture_output=True, text=True,
                          timeout=T(timeout), stdin=subprocess.DEVNULL)


# --------------------------------------------------------------------------------------------
# Backends


class DemoBackends:
    """One yoke-demo-backend process serving several named backends on kernel-picked ports."""

    def __init__(self, names, delay_ms=0, binary=None, agent=False, ports=None):
        """agent: give every backend an agent-check port too (agent_port(name)); ports: fixed
        ports by name (to restart a backend where it was), the kernel picks the others."""
        self.names = list(names)
        self.agent = agent
        args = [binary or demo_binary()]
        if delay_ms:
            args += ["--delay-ms", str(delay_ms)]
        for name in self.names:
            args += ["--listen", "127.0.0.1:%d" % (ports or {}).get(name, 0), "--name", name]
            if agent:
                args += ["--agent-port", "0"]
        self.agent_ports = {}
        self.stderr_file = tempfile.TemporaryFile()
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.stderr_file,
                                        stdin=subprocess.DEVNULL)
        self.ports = {}
        self._stats_queries = {name: 0 for name in self.names}
        try:
            self._read_ports(T(10))
        except Exception:
            self.stop()
            raise

    def _read_ports(self, timeout):
        deadline = time.monotonic() + timeout
        pending = b""
        fd = self.process.stdout.fileno()
        while (len(self.ports) < len(self.names) or
               (self.agent and len(self.agent_ports) < len(self.names))):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise RuntimeError("yoke-demo-backend did not print its ports")
            data = os.read(fd, 4096)
            if not data:
                raise RuntimeError("yoke-demo-backend exited: %s" % self.stderr)
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                words = line.decode().split()
                if len(words) == 3 and words[0] == "listening":
                    self.ports[words[1]] = int(words[2].rsplit(":", 1)[1])
                elif len(words) == 3 and words[0] == "agent":
                    self.agent_ports[words[1]] = int(words[2].rsplit(":", 1)[1])

    def port(self, name):
        return self.ports[name]

    def address(self, name):
        return "127.0.0.1:%d" % self.ports[name]

    def stats(self, name):
        """{"connections": C, "requests": R} for one backend, asked directly (not via Yoke).
        `connections` excludes the connections made by stats() itself."""
        self._stats_queries[name] += 1
        status, _, body = http_request(self.ports[name], "/__stats", timeout=T(5))
        if status != 200:
            raise RuntimeError("/__stats answered %d" % status)
        result = json.loads(body)
        result["connections"] -= self._stats_queries[name]
        return result

    def agent_port(self, name):
        return self.agent_ports[name]

    def control(self, name, query):
        """/__control?QUERY on one backend, asked directly; returns the settings (JSON)."""
        status, _, body = http_request(self.ports[name], "/__control?" + query, timeout=T(5))
        if status != 200:
            raise RuntimeError("/__control?%s answered %d" % (query, status))
        return json.loads(body)

    def requests(self, name):
        return self.stats(name)["requests"]

    def running(self):
        return self.process.poll() is None

    @property
    def stderr(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode(errors="replace")

    def stop(self):
        """SIGTERM and wait; returns the exit code. Raises if a sanitizer reported an error."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=T(5))
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stdout:
            self.process.stdout.close()
        text = self.stderr
        if any(marker in text for marker in SANITIZER_MARKERS):
            raise RuntimeError("sanitizer report from yoke-demo-backend:\n" + _tail(text, 60))
        return self.process.returncode

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class PyBackend(py_backend_module.TestBackend):
    """The Python test backend (backend.py), served from threads in this process.
    Counters: connections, requests, bytes_received; records: every Request seen."""

    def __init__(self, name="py", reset_on_connect=False, delay_ms=0):
        super().__init__(name=name, reset_on_connect=reset_on_connect, delay_ms=delay_ms)
        self.start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def counts(self):
        with self.lock:
            return {"connections": self.connections, "requests": self.requests,
                    "bytes_received": self.bytes_received}

    def last_record(self):
        with self.lock:
            return self.records[-1] if self.records else None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# --------------------------------------------------------------------------------------------
# Clients


def http_request(port, path, method="GET", headers=None, body=None, timeout=None):
    """One request over a fresh http.client connection: returns (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout or T(5))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, response.headers, data
    finally:
        connection.close()


class HttpSession:
    """A keep-alive http.client connection for several requests."""

    def __init__(self, port, timeout=None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout or T(5))

    def request(self, path, method="GET", headers=None, body=None):
        self.connection.request(method, path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        return response.status, response.headers, response.read()

    def close(self):
        self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def build_request(method, target, headers=(("Host", "test"),), body=b"", version="HTTP/1.1"):
    """Exact request bytes; headers are (name, value) pairs written as given."""
    head = "%s %s %s\r\n" % (method, target, version)
    head += "".join("%s: %s\r\n" % (name, value) for name, value in headers)
    return head.encode("latin-1") + b"\r\n" + body


class ConnectionClosed(Exception):
    """The peer closed before a complete response arrived; `partial` holds what did arrive."""

    def __init__(self, message, partial=b""):
        super().__init__(message)
        self.partial = partial


class Response:
    def __init__(self, version, status, reason, headers, body, raw_head):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers  # [(name, value)] in order
        self.body = body        # bytes, or None when a body_sink consumed it
        self.raw_head = raw_head
        self.body_length = 0
        self.body_sha256 = None

    def header(self, name):
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name):
        return [v for n, v in self.headers if n.lower() == name.lower()]

    def __repr__(self):
        return "<Response %d %r body=%r>" % (self.status, self.headers,
                                              (self.body or b"")[:200])


class RawClient:
    """A TCP client for exact bytes: send anything, read responses one at a time."""

    def __init__(self, port, timeout=None):
        self.timeout = timeout or T(5)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=self.timeout)
        self.sock.settimeout(self.timeout)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("timed out waiting for data")
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(1 << 20)
        except ConnectionResetError:
            data = b""
        if not data:
            raise ConnectionClosed("connection closed", self.buffer)
        self.buffer += data

    def _take_line(self, deadline):
        while b"\r\n" not in self.buffer:
            self._fill(deadline)
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _take(self, n, deadline, sink):
        """Moves n body bytes to sink without holding more than one read in memory."""
        while n > 0:
            if not self.buffer:
                self._fill(deadline)
            piece, self.buffer = self.buffer[:n], self.buffer[n:]
            sink(piece)
            n -= len(piece)

    def read_response(self, head_request=False, timeout=None, body_sink=None):
        """Reads one response (a 1xx interim response counts as one). Raises socket.timeout or
        ConnectionClosed. With body_sink(bytes), the body is streamed there and not kept."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while b"\r\n\r\n" not in self.buffer:
            self._fill(deadline)
        raw_head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = raw_head.decode("latin-1").split("\r\n")
        version, status, reason = (lines[0].split(" ", 2) + [""])[:3]
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
        response = Response(version, int(status), reason, headers, None, raw_head)
        chunks = []
        digest = hashlib.sha256()

        def take(piece):
            digest.update(piece)
            response.body_length += len(piece)
            (body_sink or chunks.append)(piece)

        self._read_body(response, head_request, deadline, take)
        response.body = None if body_sink else b"".join(chunks)
        response.body_sha256 = digest.hexdigest()
        return response

    def _read_body(self, response, head_request, deadline, take):
        status = response.status
        if head_request or 100 <= status < 200 or status in (204, 304):
            return
        te = response.header("transfer-encoding")
        if te is not None and te.lower() == "chunked":
            while True:
                size = int(self._take_line(deadline).split(b";")[0].strip(), 16)
                if size == 0:
                    while self._take_line(deadline) != b"":
                        pass
                    return
                self._take(size, deadline, take)
                if self._take_line(deadline) != b"":
                    raise ValueError("chunk data not followed by CRLF")
        elif response.header("content-length") is not None:
            self._take(int(response.header("content-length")), deadline, take)
        else:
            try:
                while True:
                    self._fill(deadline)
                    take(self.buffer)
                    self.buffer = b""
            except ConnectionClosed:
                pass

    def read_final_response(self, head_request=False, timeout=None):
        """Skips 1xx responses; returns (interim_responses, final_response)."""
        interim = []
        while True:
            response = self.read_response(head_request, timeout)
            if response.status >= 200 or response.status == 101:
                return interim, response
            interim.append(response)

    def wait_closed(self, timeout):
        """True if the peer closes (FIN or RST) within timeout; data that arrives is kept in
        self.buffer."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                self._fill(deadline)
        except ConnectionClosed:
            return True
        except socket.timeout:
            return False
        except OSError:
            return True

    def read_available(self, timeout):
        """Whatever arrives within timeout (stops early at EOF)."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                self._fill(deadline)
        except (ConnectionClosed, socket.timeout, OSError):
            pass
        data, self.buffer = self.buffer, b""
        return data


def pipeline(port, requests, timeout=None):
    """Sends every request in one write and reads as many responses, in order."""
    with RawClient(port, timeout) as client:
        client.send(b"".join(requests))
        return [client.read_response() for _ in requests]


class WebSocketClient:
    """Client side of RFC 6455 over an already-upgraded RawClient."""

    def __init__(self, raw):
        self.raw = raw

    def send(self, payload, opcode=0x1):
        self.raw.send(encode_ws_frame(opcode, payload, mask=True))

    def receive(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.raw.timeout)
        while len(self.raw.buffer) < 2:
            self.raw._fill(deadline)
        second = self.raw.buffer[1]
        n = second & 0x7F
        header = 2 + (2 if n == 126 else 8 if n == 127 else 0) + (4 if second & 0x80 else 0)
        while len(self.raw.buffer) < header:
            self.raw._fill(deadline)
        if n == 126:
            n = int.from_bytes(self.raw.buffer[2:4], "big")
        elif n == 127:
            n = int.from_bytes(self.raw.buffer[2:10], "big")
        while len(self.raw.buffer) < header + n:
            self.raw._fill(deadline)
        frame, self.raw.buffer = self.raw.buffer[:header + n], self.raw.buffer[header + n:]
        payload = frame[header:]
        if second & 0x80:
            key = frame[header - 4:header]
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        return frame[0] & 0x0F, payload


# --------------------------------------------------------------------------------------------
# Test base class


class YokeTestCase(unittest.TestCase):
    """Starts processes through helpers that always clean up, and puts a watchdog on each test:
    after TEST_TIMEOUT seconds every process the test started is killed (which unblocks any
    socket wait), and a hard faulthandler exit follows if even that does not help."""

    TEST_TIMEOUT = 60

    def setUp(self):
        self._stoppers = []
        self.watchdog_fired = False
        self._watchdog = threading.Timer(T(self.TEST_TIMEOUT), self._on_watchdog)
        self._watchdog.daemon = True
        self._watchdog.start()
        faulthandler.dump_traceback_later(T(self.TEST_TIMEOUT) + 30, exit=True)
        self.addCleanup(self._cancel_watchdog)

    def _cancel_watchdog(self):
        self._watchdog.cancel()
        faulthandler.cancel_dump_traceback_later()
        if self.watchdog_fired:
            self.fail("test exceeded its %ss watchdog" % T(self.TEST_TIMEOUT))

    def _on_watchdog(self):
        self.watchdog_fired = True
        sys.stderr.write("\nwatchdog: %s took too long, killing its processes\n" % self.id())
        for stopper in list(self._stoppers):
            try:
                stopper()
            except Exception:  # best effort: the test is failing anyway
                pass

    def admin_token_dir(self, name, token):
        """A folder of the test's own under /tmp (removed afterwards) holding `token` (the
        admin API's token_file, one line), for tests that call the admin API."""
        folder = os.path.join("/tmp", "yoke-%s-%d-%d" % (name, os.getpid(), id(self)))
        os.makedirs(folder, exist_ok=True)
        self.addCleanup(shutil.rmtree, folder, True)
        with open(os.path.join(folder, "token"), "w") as f:
            f.write(token + "\n")
        return folder

    def start_yoke(self, config_text, port, **kwargs):
        yoke = Yoke(config_text, port, **kwargs)
        self.addCleanup(yoke.cleanup)
        self._stoppers.append(yoke.cleanup)
        yoke.start()
        # Runs before cleanup (LIFO): a crash or sanitizer report fails the test.
        self.addCleanup(yoke.stop)
        return yoke

    def start_demo(self, *names, delay_ms=0, agent=False, ports=None):
        backends = DemoBackends(names, delay_ms=delay_ms, agent=agent, ports=ports)
        self.addCleanup(backends.stop)
        self._stoppers.append(backends.kill)
        return backends

    def start_py_backend(self, name="py", reset_on_connect=False, delay_ms=0):
        backend = PyBackend(name, reset_on_connect, delay_ms)
        self.addCleanup(backend.stop)
        self._stoppers.append(backend.stop)
        return backend

    def raw_client(self, port, timeout=None):
        client = RawClient(port, timeout)
        self.addCleanup(client.close)
        return client
