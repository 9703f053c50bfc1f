"""A bounded, steady load for the health and agent tests: `clients` threads, each sending GETs
over its own keep-alive connection with a pause between them, recording every answer as
(seconds since start, backend, status) and every exception. Bounded in count and time."""

import collections
import threading
import time

from harness import T, HttpSession


class SteadyLoad:

    def __init__(self, port, clients=4, pause=0.005, max_requests=20000, headers=None):
        """headers: sent with every request (e.g. an X-Forwarded-For the proxy trusts)."""
        self.port = port
        self.headers = headers
        self.pause = pause
        self.max_requests = max_requests
        self.records = []
        self.errors = []
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.started = time.monotonic()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(clients)]
        for thread in self.threads:
            thread.start()

    def now(self):
        return time.monotonic() - self.started

    def _run(self, client):
        session = HttpSession(self.port, timeout=T(10))
        count = 0
        while not self.stop_event.is_set() and count < self.max_requests:
            count += 1
            try:
                status, headers, _ = session.request("/load/%d/%d" % (client, count),
                                                         headers=self.headers)
                record = (self.now(), headers.get("X-Backend"), status)
            except Exception as error:  # counted as a failed request; reconnect and go on
                with self.lock:
                    self.errors.append((self.now(), repr(error)))
                session.close()
                session = HttpSession(self.port, timeout=T(10))
                continue
            with self.lock:
                self.records.append(record)
            self.stop_event.wait(self.pause)
        session.close()

    def stop(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(T(15))

    def failures(self):
        """Every answer that was not a 200, and every exception."""
        with self.lock:
            return [r for r in self.records if r[2] != 200] + list(self.errors)

    def counts(self, start=0.0, end=1e9):
        with self.lock:
            return collections.Counter(name for at, name, _ in self.records if start <= at < end)

    def first_answer_from(self, name, after):
        with self.lock:
            times = [at for at, backend, _ in self.records if backend == name and at >= after]
        return min(times) if times else None

    def last_answer_from(self, name):
        with self.lock:
            times = [at for at, backend, _ in self.records if backend == name]
        return max(times) if times else None


def wait_for_log(yoke, text, timeout, poll=0.05):
    """Polls Yoke's error log until a line contains text; returns the monotonic time it was
    seen, or None after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in yoke.error_log:
            return time.monotonic()
        time.sleep(poll)
    return None
