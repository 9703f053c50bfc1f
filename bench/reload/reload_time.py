#!/usr/bin/env python3
"""How long Yoke takes to apply a configuration reload with many servers (issue 5; docs/
architecture.md "Reload"). Starts `yoke` with SERVERS servers (in UPSTREAMS upstreams, no
backend needs to exist: nothing is sent to them), then reloads RELOADS times, alternating
between two configurations that change every server's weight and swap one server per upstream,
and reads the time Yoke itself logs for each ("configuration reloaded in N us": from reading
the file to the last worker's new generation posted, i.e. parse, validate, build the routing
snapshot and every worker's balancers, pools and counter blocks, stop and restart the checker
thread, open new listeners). Also times SIGHUP to the log line as seen from outside (includes
this script's 2 ms log polling). Prints median, min and max. Standard library only.

    bench/reload/reload_time.py --yoke build/yoke [--servers 1000] [--reloads 21]
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

PATTERN = "configuration reloaded in "


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(folder, port, servers, upstreams, workers, variant):
    per = servers // upstreams
    blocks, locations = [], []
    for u in range(upstreams):
        lines = []
        for s in range(per):
            index = u * per + s
            # Variant 1 replaces each upstream's first server and changes every weight.
            host = "127.0.%d.%d" % (1 + index // 250, 1 + index % 250)
            if variant and s == 0:
                host = "127.0.200.%d" % (1 + u % 250)
            lines.append("    server %s:%d weight=%d;" % (host, 10000 + s, 1 + (index + variant) % 5))
        blocks.append("  upstream u%d {\n%s\n    keepalive 8;\n  }" % (u, "\n".join(lines)))
        locations.append("    location /u%d/ { proxy_pass http://u%d; }" % (u, u))
    return """worker_processes %d;
error_log %s/error.log notice;
http {
%s
  server {
    listen 127.0.0.1:%d;
%s
  }
}
""" % (workers, folder, "\n".join(blocks), port, "\n".join(locations))


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.002)
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--yoke", default="build/yoke")
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--upstreams", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reloads", type=int, default=21)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="yoke-reload-bench-")
    path = os.path.join(folder, "yoke.conf")
    log_path = os.path.join(folder, "error.log")
    port = free_port()

    def write(variant):
        with open(path + ".new", "w") as f:
            f.write(config(folder, port, args.servers, args.upstreams, args.workers, variant))
        os.replace(path + ".new", path)

    def log():
        try:
            with open(log_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    write(0)
    process = subprocess.Popen([args.yoke, "-c", path], stdin=subprocess.DEVNULL)
    inside, outside = [], []
    try:
        if not wait_for(lambda: "started with" in log(), 30):
            sys.exit("yoke did not start; see %s" % log_path)
        for i in range(args.reloads):
            write((i + 1) % 2)
            before = log().count(PATTERN)
            sent = time.monotonic()
            process.send_signal(signal.SIGHUP)
            if not wait_for(lambda: log().count(PATTERN) > before, 30):
                sys.exit("reload %d did not complete; see %s" % (i, log_path))
            outside.append((time.monotonic() - sent) * 1000)
        for line in log().splitlines():
            if PATTERN in line:
                inside.append(int(line.split(PATTERN)[1].split(" us")[0]) / 1000)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    print("servers %d in %d upstreams, %d workers, %d reloads" %
          (args.servers, args.upstreams, args.workers, len(inside)))
    for name, values in (("applied (Yoke's own figure)", inside),
                         ("SIGHUP to log line", outside)):
        print("%-28s median %.1f ms, min %.1f, max %.1f" %
              (name, statistics.median(values), min(values), max(values)))


if __name__ == "__main__":
    main()
