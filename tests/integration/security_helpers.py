"""Helpers shared by the security tests: requests from another loopback address, /metrics
samples, the backend's view of a request, and HAProxy started with a config of the test's."""

import http.client
import json
import os
import re
import subprocess
import tempfile
import time

from harness import T, http_request, wait_for_port


def request_from(source, port, path, method="GET", headers=None, host="127.0.0.1", body=None):
    """One request from the local address `source`: returns (status, body)."""
    connection = http.client.HTTPConnection(host, port, timeout=T(5), source_address=(source, 0))
    try:
        connection.request(method, path, headers=headers or {}, body=body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def seen_headers(body):
    """The headers the Python backend received (its /inspect JSON), lowercase names."""
    return dict((name.lower(), value) for name, value in json.loads(body)["headers"])


def metric(admin_port, name, labels=""):
    """A sample's value from /metrics (0 when absent)."""
    status, _, body = http_request(admin_port, "/metrics")
    assert status == 200, status
    pattern = re.escape(name) + (r"\{" + re.escape(labels) + r"\}" if labels else "") + r" (\S+)"
    found = re.search(r"^" + pattern + r"$", body.decode(), re.MULTILINE)
    return float(found.group(1)) if found else 0.0


class HAProxy:
    """HAProxy 2.6 in the foreground (-db) with the given config text, stopped by PID."""

    def __init__(self, config_text, port):
        self.dir = tempfile.TemporaryDirectory(prefix="yoke-haproxy-")
        path = os.path.join(self.dir.name, "haproxy.cfg")
        with open(path, "w") as file:
            file.write(config_text)
        self.process = subprocess.Popen(["haproxy", "-db", "-f", path],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if not wait_for_port(port, T(10), self.process):
            self.stop()
            raise AssertionError("haproxy did not start: " + self.output())

    def output(self):
        try:
            return self.process.communicate(timeout=1)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            return ""

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(T(5))
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(T(5))
        if self.process.stdout:
            self.process.stdout.close()
        self.dir.cleanup()


def haproxy_config(front_port, yoke_port, send):
    """An HTTP frontend on front_port whose one server is Yoke, sent a PROXY header (`send` is
    "send-proxy" or "send-proxy-v2")."""
    return """global
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 10s
  timeout server 10s
frontend front
  bind 127.0.0.1:%d
  default_backend yoke
backend yoke
  server y 127.0.0.1:%d %s
""" % (front_port, yoke_port, send)


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
