"""The seed article's nginx sample (examples/seed-sample.conf), run exactly as written.

Its server names must resolve and it listens on port 80, so it runs in a network namespace of
its own with /etc/netns/NAME/hosts mapping the names to loopback addresses (ip-netns(8) bind-
mounts that file over /etc/hosts). The namespace and the file are removed afterwards.
"""

import json
import os
import shutil
import subprocess
import sys
import unittest

from harness import HERE, T, yoke_binary

SAMPLE = os.path.join(HERE, "..", "..", "examples", "seed-sample.conf")
HOSTS = ("127.0.0.1 localhost\n"
         "127.0.0.11 api1.example.com\n"
         "127.0.0.12 api2.example.com\n"
         "127.0.0.13 backup.example.com\n")


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("ip"), "needs root and iproute2")
class SeedSampleTest(unittest.TestCase):

    def setUp(self):
        self.namespace = "yoke-seed-%d" % os.getpid()
        self.etc = os.path.join("/etc/netns", self.namespace)
        subprocess.run(["ip", "netns", "add", self.namespace], check=True)
        self.addCleanup(self._remove_namespace)
        subprocess.run(["ip", "netns", "exec", self.namespace, "ip", "link", "set", "lo", "up"],
                       check=True)
        os.makedirs(self.etc, exist_ok=True)
        with open(os.path.join(self.etc, "hosts"), "w") as hosts:
            hosts.write(HOSTS)

    def _remove_namespace(self):
        subprocess.run(["ip", "netns", "del", self.namespace], check=False)
        shutil.rmtree(self.etc, ignore_errors=True)

    def test_sample_passes_config_test(self):
        result = subprocess.run(["ip", "netns", "exec", self.namespace, yoke_binary(), "-t", "-c",
                                 SAMPLE], capture_output=True, text=True, timeout=T(10))
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_weights_three_to_two_and_backup_only_when_both_are_down(self):
        driver = os.path.join(HERE, "seed_sample_driver.py")
        result = subprocess.run(["ip", "netns", "exec", self.namespace, sys.executable, driver,
                                 yoke_binary(), SAMPLE], capture_output=True, text=True,
                                timeout=T(60))
        lines = result.stdout.strip().splitlines()
        seen = json.loads(lines[-1]) if lines else {}
        self.assertEqual(result.returncode, 0, "saw %s\nstderr: %s" % (seen, result.stderr[-2000:]))
        self.assertEqual(seen["all_up"], {"api1": 30, "api2": 20})
        self.assertEqual(seen["api1_down"], {"api2": 20})
        self.assertEqual(seen["both_down"], {"backup": 20})
        self.assertEqual(seen["yoke_exit"], 0)


if __name__ == "__main__":
    unittest.main()
