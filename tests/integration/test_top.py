"""`yoke top --once` (docs/dashboard.md) against a running Yoke with steady traffic over three
demo backends: one frame with every server's line showing non-zero requests/s and share, the
health-check column, and the totals; a wrong or missing token and an unreachable address end
with exit status 1 and a message saying what to do."""

import os
import re
import subprocess

from harness import T, YokeTestCase, free_port, yoke_binary
from steady_load import SteadyLoad
from test_metrics import TOKEN


class TopTest(YokeTestCase):

    TEST_TIMEOUT = 60

    def setUp(self):
        super().setUp()
        self.folder = os.path.join("/tmp", "yoke-top-%d-%d" % (os.getpid(), id(self)))
        os.makedirs(self.folder, exist_ok=True)
        self.token_file = os.path.join(self.folder, "token")
        with open(self.token_file, "w") as f:
            f.write(TOKEN + "\n")
        self.addCleanup(os.remove, self.token_file)

    def top(self, *args):
        return subprocess.run([yoke_binary(), "top"] + list(args), capture_output=True,
                              text=True, timeout=T(20), stdin=subprocess.DEVNULL)

    def test_once_shows_every_server_with_traffic(self):
        demo = self.start_demo("a", "b", "c")
        port, admin = free_port(), free_port()
        self.start_yoke("""worker_processes 2;
error_log @ERRLOG@ info;
admin { listen 127.0.0.1:%d; token_file %s; }
http {
  upstream app { server %s; server %s; server %s; health_check interval=200ms; }
  server { listen 127.0.0.1:%d; location / { proxy_pass http://app; } }
}
""" % (admin, self.token_file, demo.address("a"), demo.address("b"), demo.address("c"), port),
                        port)
        load = SteadyLoad(port, clients=3, pause=0.01)
        self.addCleanup(load.stop)
        result = self.top("--admin", "127.0.0.1:%d" % admin, "--token-file", self.token_file,
                          "--once")
        self.assertEqual(result.returncode, 0, result.stderr)
        frame = result.stdout
        self.assertNotIn("\x1b[", frame, "no colours when stdout is not a terminal")
        self.assertRegex(frame, r"requests [1-9][0-9.]*/s")
        self.assertIn("upstream app: 3 of 3 up", frame)
        for name in ("a", "b", "c"):
            line = next((l for l in frame.splitlines() if demo.address(name) + " " in l), None)
            self.assertIsNotNone(line, frame)
            fields = line.split()
            # SERVER STATE WEIGHT REQ/S SHARE INFLIGHT P50 P99 5XX/S CHECKS
            self.assertEqual(fields[1], "up", line)
            self.assertGreater(float(fields[3]), 0, line)
            self.assertGreater(float(fields[4].rstrip("%")), 0, line)
            self.assertRegex(fields[6], r"^[0-9.]+(us|ms|s)$", line)
            self.assertRegex(fields[9], r"^\++$", line)  # the checks passed
        load.stop()
        self.assertEqual(load.failures(), [])

        refused = self.top("--admin", "127.0.0.1:%d" % admin, "--once")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("refused the token (401): pass --token-file", refused.stderr)

    def test_unreachable_admin_and_bad_flags(self):
        result = self.top("--admin", "127.0.0.1:%d" % free_port(), "--once")
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, r"yoke top: connect to 127\.0\.0\.1:\d+: Connection refused")
        result = self.top("--interval", "0")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--interval \"0\"", result.stderr)
