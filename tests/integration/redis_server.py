"""A real redis-server (Debian's redis-server 7.0) for a test: on 127.0.0.1 and a port the
kernel picked, without persistence, in a temp dir of its own; stopped by its pid. No init system
runs here (/work/shared/TESTING-NOTES.md): the test starts and stops it itself."""

import os
import shutil
import signal
import subprocess
import tempfile
import time

from harness import T, free_port, wait_for_port


class RedisServer:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="yoke-redis-")
        self.process = None

    def start(self):
        """Starts it (again, on the same port after stop()) and waits until it accepts."""
        log = open(os.path.join(self.dir, "redis.log"), "ab")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", self.dir],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        if not wait_for_port(self.port, T(5), self.process):
            self.stop()
            raise AssertionError("redis-server did not start on %d" % self.port)
        return self

    def stop(self):
        """SIGTERM, then SIGKILL after 5 s; waits until the process is gone."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(T(5))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(T(5))

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self):
        return "redis://127.0.0.1:%d" % self.port


def wait_until(predicate, timeout, interval=0.05):
    """Polls predicate() until it is true or timeout seconds passed; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
