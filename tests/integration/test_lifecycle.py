"""The yoke command line and process lifecycle: -v, -t, graceful stop on SIGTERM."""

import os
import re
import shutil
import signal
import tempfile
import threading
import time

from harness import (T, YokeTestCase, free_port, http_request, make_config, port_refuses,
                     run_yoke_cli, upstream_block)

GOOD_CONFIG = """worker_processes 1;
http {
  upstream app { server 127.0.0.1:%d weight=3; server 127.0.0.1:%d backup; keepalive 16; }
  server {
    listen 127.0.0.1:%d;
    client_header_timeout 1s;
    location / { proxy_pass http://app; proxy_set_header X-Real-IP $remote_addr; }
    location = /hello { return 200 "hi"; }
  }
}
"""

# The unknown directive starts at line 5, column 5.
BAD_DIRECTIVE_CONFIG = """worker_processes 1;
http {
  server {
    listen 127.0.0.1:8080;
    bogus_directive on;
    location / { return 200 "x"; }
  }
}
"""

# The block is never closed: the error is at the end of the file (line 4).
UNCLOSED_BLOCK_CONFIG = """http {
  server {
    listen 127.0.0.1:8080;
    location / { return 200 "x"; }
"""

ERROR_FORMAT = re.compile(r"(\S+):(\d+):(\d+): (.+)")


class CommandLineTest(YokeTestCase):

    def write_config(self, text):
        directory = tempfile.mkdtemp(prefix="yoke-it-")
        path = os.path.join(directory, "yoke.conf")
        with open(path, "w") as f:
            f.write(text)
        self.addCleanup(shutil.rmtree, directory, True)
        return path

    def test_version(self):
        result = run_yoke_cli(["-v"])
        self.assertEqual(result.returncode, 0, result.stderr)
        output = result.stdout + result.stderr
        self.assertIn("yoke", output.lower())
        self.assertRegex(output, r"\d+\.\d+\.\d+")

    def test_check_good_config(self):
        path = self.write_config(GOOD_CONFIG % (free_port(), free_port(), free_port()))
        result = run_yoke_cli(["-t", "-c", path])
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_check_bad_directive_names_file_line_column(self):
        path = self.write_config(BAD_DIRECTIVE_CONFIG)
        result = run_yoke_cli(["-t", "-c", path])
        self.assertEqual(result.returncode, 1, result.stderr)
        match = ERROR_FORMAT.search(result.stderr)
        self.assertIsNotNone(match, "no file:line:column: message in %r" % result.stderr)
        self.assertTrue(match.group(1).endswith("yoke.conf"), match.group(0))
        self.assertEqual((match.group(2), match.group(3)), ("5", "5"), match.group(0))
        self.assertIn("bogus_directive", match.group(4))

    def test_check_unclosed_block_is_an_error(self):
        path = self.write_config(UNCLOSED_BLOCK_CONFIG)
        result = run_yoke_cli(["-t", "-c", path])
        self.assertEqual(result.returncode, 1, result.stderr)
        match = ERROR_FORMAT.search(result.stderr)
        self.assertIsNotNone(match, "no file:line:column: message in %r" % result.stderr)
        self.assertIn(match.group(2), ("4", "5"), match.group(0))

    def test_check_missing_file(self):
        result = run_yoke_cli(["-t", "-c", "/nonexistent/yoke.conf"])
        self.assertEqual(result.returncode, 1)
        self.assertIn("/nonexistent/yoke.conf", result.stderr)


class GracefulStopTest(YokeTestCase):

    def test_sigterm_finishes_in_flight_request_then_exits_zero(self):
        backend = self.start_py_backend()
        port = free_port()
        config = make_config(port, "    location / { proxy_pass http://app; }\n",
                             upstreams=upstream_block("app", [backend.address]))
        yoke = self.start_yoke(config, port)
        result = {}

        def slow_request():
            try:
                result["response"] = http_request(port, "/slow/1500", timeout=T(10))
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                result["error"] = error

        client = threading.Thread(target=slow_request)
        client.start()
        self.assertTrue(backend.wait_for_requests(1, T(5)), "slow request never arrived")
        yoke.signal(signal.SIGTERM)
        time.sleep(0.3)
        self.assertTrue(yoke.running(), "yoke exited with a request in flight")
        self.assertTrue(port_refuses(port), "new connection accepted while stopping")

        client.join(T(10))
        self.assertNotIn("error", result)
        status, _, body = result["response"]
        self.assertEqual(status, 200, body)
        self.assertEqual(yoke.wait(T(10)), 0, yoke.diagnostics())
        self.assertTrue(port_refuses(port))

    def test_sigterm_when_idle_exits_zero_promptly(self):
        port = free_port()
        config = make_config(port, "    location / { return 200 \"idle\"; }\n")
        yoke = self.start_yoke(config, port)
        self.assertEqual(http_request(port, "/")[2], b"idle")
        yoke.signal(signal.SIGTERM)
        self.assertEqual(yoke.wait(T(5)), 0, yoke.diagnostics())
