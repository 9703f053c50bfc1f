"""Access logs (nginx's combined format, log_format with upstream variables, the json format,
if=, buffer=/flush=, SIGUSR1 rotation under load, a full disk), request ids and W3C Trace
Context as the backend sees them, and error-log lines for upstream failures, as an operator
reads them."""

import json
import os
import re
import signal
import time

from harness import (T, HttpSession, YokeTestCase, free_port, http_request, make_config,
                     upstream_block)
from steady_load import SteadyLoad

COMBINED = re.compile(r'^(\S+) - - \[[^\]]+\] "([^"]*)" (\d{3}) (\d+) "([^"]*)" "([^"]*)"$')


class LogsTest(YokeTestCase):

    def test_access_log_has_one_combined_line_per_request(self):
        demo = self.start_demo("a")
        port = free_port()
        locations = ("    access_log @DIR@/access.log combined;\n"
                     "    location / { proxy_pass http://app; }\n"
                     "    location = /local { return 204; }\n")
        config = make_config(port, locations, upstreams=upstream_block("app", [demo.address("a")]))
        yoke = self.start_yoke(config, port)
        status, _, body = http_request(port, "/bytes/123?x=1",
                                       headers={"User-Agent": "it-agent/1.0",
                                                "Referer": "http://ref.example/"})
        self.assertEqual((status, len(body)), (200, 123))
        self.assertEqual(http_request(port, "/local")[0], 204)
        self.assertEqual(http_request(port, "/bytes/7", headers={"User-Agent": 'quote"me'})[0], 200)
        yoke.stop()  # the writer flushes at exit
        with open(os.path.join(yoke.dir, "access.log")) as log:
            lines = log.read().splitlines()
        self.assertEqual(len(lines), 3, lines)
        fields = [COMBINED.match(line) for line in lines]
        self.assertTrue(all(fields), lines)
        first, local, escaped = (m.groups() for m in fields)
        self.assertEqual(first, ("127.0.0.1", "GET /bytes/123?x=1 HTTP/1.1", "200", "123",
                                 "http://ref.example/", "it-agent/1.0"))
        self.assertEqual(local[1:4], ("GET /local HTTP/1.1", "204", "0"))
        self.assertEqual(escaped[5], "quote\\x22me")

    def test_upstream_failure_is_logged_with_its_address(self):
        dead = free_port()
        port = free_port()
        config = make_config(port, "    location / { proxy_pass http://app; }\n",
                             upstreams=upstream_block("app", ["127.0.0.1:%d" % dead]))
        yoke = self.start_yoke(config, port)
        self.assertEqual(http_request(port, "/")[0], 502)
        yoke.stop()
        log = yoke.error_log
        self.assertIn("connect() failed", log)
        self.assertIn("127.0.0.1:%d" % dead, log)


HEX32 = re.compile(r"^[0-9a-f]{32}$")
HEX16 = re.compile(r"^[0-9a-f]{16}$")
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as log:
        return log.read().splitlines()


def wait_for_lines(path, count, timeout):
    deadline = time.monotonic() + timeout
    lines = read_lines(path)
    while len(lines) < count and time.monotonic() < deadline:
        time.sleep(0.05)
        lines = read_lines(path)
    return lines


def with_workers(config, count):
    return config.replace("worker_processes 1;", "worker_processes %d;" % count, 1)


class LogFormatTest(YokeTestCase):

    def test_upstream_variables_list_every_attempt_of_a_retried_request(self):
        demo = self.start_demo("a")
        dead = free_port()
        port = free_port()
        http_extra = ("  log_format up '$status|$upstream_addr|$upstream_status|"
                      "$upstream_connect_time|$upstream_header_time|$upstream_response_time|"
                      "$sent_http_x_backend|$request_time|$request_length|$bytes_sent|$pipe';\n")
        locations = ("    access_log @DIR@/up.log up;\n"
                     "    location / { proxy_pass http://app; }\n")
        upstreams = upstream_block("app", ["127.0.0.1:%d max_fails=0" % dead, demo.address("a")])
        yoke = self.start_yoke(make_config(port, locations, upstreams=upstreams,
                                           http_extra=http_extra), port)
        for _ in range(2):  # round robin starts at one of the two: one request meets the dead one
            self.assertEqual(http_request(port, "/x")[0], 200)
        yoke.stop()
        lines = read_lines(os.path.join(yoke.dir, "up.log"))
        self.assertEqual(len(lines), 2, lines)
        fields = [line.split("|") for line in lines]
        retried = [f for f in fields if ", " in f[1]]
        self.assertEqual(len(retried), 1, lines)
        status, addr, statuses, connect, header, response, backend, took, length, sent, pipe = \
            retried[0]
        self.assertEqual(status, "200")
        self.assertEqual(addr, "127.0.0.1:%d, %s" % (dead, demo.address("a")))
        self.assertEqual(statuses, "502, 200")
        self.assertRegex(connect, r"^-, \d+\.\d{3}$")  # the refused connect never connected
        self.assertRegex(header, r"^-, \d+\.\d{3}$")
        self.assertRegex(response, r"^\d+\.\d{3}, \d+\.\d{3}$")
        self.assertEqual(backend, "a")
        self.assertRegex(took, r"^\d+\.\d{3}$")
        self.assertGreater(int(length), 20)
        self.assertGreater(int(sent), 2)  # head and body "a\n"
        self.assertEqual(pipe, ".")
        direct = [f for f in fields if ", " not in f[1]][0]
        self.assertEqual(direct[1:3], [demo.address("a"), "200"])

    def test_json_format_is_one_valid_object_per_line(self):
        demo = self.start_demo("a")
        port = free_port()
        locations = ("    access_log @DIR@/access.json json;\n"
                     "    location / { trace_context on; proxy_pass http://app; }\n"
                     "    location = /local { return 204; }\n")
        yoke = self.start_yoke(make_config(port, locations,
                                           upstreams=upstream_block("app", [demo.address("a")])),
                               port)
        agent = 'say "hi"\t\\ caf\u00e9'
        self.assertEqual(http_request(port, "/bytes/5?q=1",
                                      headers={"User-Agent": agent.encode("utf-8")})[0], 200)
        self.assertEqual(http_request(port, "/local")[0], 204)
        yoke.stop()
        records = [json.loads(line) for line in read_lines(os.path.join(yoke.dir, "access.json"))]
        self.assertEqual(len(records), 2, records)
        first, local = records
        self.assertEqual((first["method"], first["uri"], first["protocol"], first["status"]),
                         ("GET", "/bytes/5?q=1", "HTTP/1.1", 200))
        self.assertEqual(first["body_bytes_sent"], 5)
        self.assertEqual(first["http_user_agent"], agent)
        self.assertEqual(first["upstream_addr"], demo.address("a"))
        self.assertEqual(first["upstream_status"], "200")
        self.assertRegex(first["request_id"], HEX32)
        # trace_context on, no traceparent came in: Yoke started the trace with the request id.
        self.assertEqual(first["trace_id"], first["request_id"])
        self.assertRegex(first["span_id"], HEX16)
        self.assertEqual(first["http_referer"], "")
        self.assertEqual(first["remote_addr"], "127.0.0.1")
        self.assertIsInstance(first["request_time"], float)
        self.assertRegex(first["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
        self.assertEqual((local["status"], local["upstream_addr"], local["body_bytes_sent"]),
                         (204, "", 0))
        self.assertNotEqual(local["request_id"], first["request_id"])
        # trace_context pass (the default) and no traceparent: no trace ids.
        self.assertEqual((local["trace_id"], local["span_id"]), ("", ""))

    def test_if_condition_skips_empty_and_zero(self):
        port = free_port()
        locations = ("    access_log @DIR@/all.log;\n"
                     "    access_log @DIR@/some.log combined if=$arg_log;\n"
                     "    location / { return 200; }\n")
        yoke = self.start_yoke(make_config(port, locations), port)
        for query in ("?log=1", "?log=0", "", "?log=yes", "?log="):
            self.assertEqual(http_request(port, "/c" + query)[0], 200)
        yoke.stop()
        self.assertEqual(len(read_lines(os.path.join(yoke.dir, "all.log"))), 5)
        some = read_lines(os.path.join(yoke.dir, "some.log"))
        self.assertEqual([COMBINED.match(line).group(2) for line in some],
                         ["GET /c?log=1 HTTP/1.1", "GET /c?log=yes HTTP/1.1"])

    def test_buffer_and_flush_decide_when_lines_reach_the_file(self):
        port = free_port()
        locations = ("    location /slow { access_log @DIR@/slow.log combined buffer=1m flush=2s;"
                     " return 200; }\n"
                     "    location /small { access_log @DIR@/small.log combined buffer=150"
                     " flush=1h; return 200; }\n")
        yoke = self.start_yoke(make_config(port, locations), port)
        slow = os.path.join(yoke.dir, "slow.log")
        self.assertEqual(http_request(port, "/slow")[0], 200)
        self.assertEqual(read_lines(slow), [])  # buffered: flush= has not passed yet
        self.assertEqual(len(wait_for_lines(slow, 1, T(8))), 1)  # written by the flush timer
        small = os.path.join(yoke.dir, "small.log")
        for _ in range(3):  # each line is about 80 bytes: the second fills the 150-byte buffer
            self.assertEqual(http_request(port, "/small")[0], 200)
        self.assertEqual(len(read_lines(small)), 2)
        yoke.stop()
        self.assertEqual(len(read_lines(small)), 3)  # the rest at exit

    def test_request_id_and_trace_context_reach_the_backend(self):
        backend = self.start_py_backend("py")
        port = free_port()
        http_extra = "  log_format ids '$request_id $trace_id $span_id';\n"
        locations = ("    access_log @DIR@/ids.log ids;\n"
                     "    proxy_set_header X-Request-ID $request_id;\n"
                     "    location / { trace_context on; proxy_pass http://app; }\n"
                     "    location /pass/ { proxy_pass http://app; }\n"
                     "    location /off/ { trace_context off; proxy_pass http://app; }\n")
        yoke = self.start_yoke(make_config(port, locations, http_extra=http_extra,
                                           upstreams=upstream_block("app", [backend.address])),
                               port)

        def seen(path, headers=None):
            status, _, body = http_request(port, path, headers=headers)
            self.assertEqual(status, 200, body)
            fields = {}
            for name, value in json.loads(body)["headers"]:
                fields.setdefault(name.lower(), []).append(value)
            return fields

        incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        created = seen("/new")
        joined = seen("/join", {"traceparent": incoming, "tracestate": "congo=t61rcWkgMzE"})
        restarted = seen("/bad", {"traceparent": incoming.upper(), "tracestate": "congo=x"})
        passed = seen("/pass/x", {"traceparent": incoming, "tracestate": "congo=y"})
        untouched = seen("/off/x", {"traceparent": "garbage"})
        yoke.stop()
        ids = [line.split(" ") for line in read_lines(os.path.join(yoke.dir, "ids.log"))]
        self.assertEqual(len(ids), 5, ids)

        trace, parent, flags = TRACEPARENT.match(created["traceparent"][0]).groups()
        self.assertEqual(created["x-request-id"], [ids[0][0]])
        self.assertEqual((trace, parent, flags), (ids[0][0], ids[0][2], "01"))

        trace, parent, flags = TRACEPARENT.match(joined["traceparent"][0]).groups()
        self.assertEqual((trace, flags), ("4bf92f3577b34da6a3ce929d0e0e4736", "01"))
        self.assertNotEqual(parent, "00f067aa0ba902b7")  # a new span for the hop
        self.assertEqual(ids[1][1:], [trace, parent])
        self.assertEqual(joined["tracestate"], ["congo=t61rcWkgMzE"])
        self.assertEqual(len(joined["traceparent"]), 1)

        trace, _, _ = TRACEPARENT.match(restarted["traceparent"][0]).groups()
        self.assertEqual(trace, ids[2][0])  # a new trace from the request id
        self.assertNotIn("tracestate", restarted)

        self.assertEqual(passed["traceparent"], [incoming])
        self.assertEqual(passed["tracestate"], ["congo=y"])
        self.assertEqual(ids[3][1:], ["4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"])
        self.assertEqual(untouched["traceparent"], ["garbage"])
        self.assertEqual(ids[4][1:], ["-", "-"])


class LogFilesTest(YokeTestCase):

    def test_reload_keeps_every_line_and_opens_new_logs(self):
        """A reload under load: a path that stays keeps its descriptor and buffered lines (new
        buffer= applies), a new path opens, and every answered request has its line."""
        demo = self.start_demo("a")
        port = free_port()
        upstreams = upstream_block("app", [demo.address("a")])
        before = ("    access_log @DIR@/access.log combined buffer=4k;\n"
                  "    location / { proxy_pass http://app; }\n")
        after = ("    access_log @DIR@/access.log combined buffer=1k flush=200ms;\n"
                 "    access_log @DIR@/access.json json;\n"
                 "    location / { proxy_pass http://app; }\n")
        yoke = self.start_yoke(with_workers(make_config(port, before, upstreams=upstreams), 2),
                               port)
        load = SteadyLoad(port, clients=4, pause=0.002, max_requests=3000)
        try:
            time.sleep(0.5)
            outcome, _, _ = yoke.reload(with_workers(make_config(port, after, upstreams=upstreams),
                                                     2))
            time.sleep(0.7)
        finally:
            load.stop()
        self.assertEqual(outcome, yoke.RELOADED, yoke.diagnostics())
        answered = sum(1 for record in load.records if record[2] == 200)
        self.assertEqual(load.errors, [])
        yoke.stop()
        combined = read_lines(os.path.join(yoke.dir, "access.log"))
        records = [json.loads(line) for line in read_lines(os.path.join(yoke.dir, "access.json"))]
        self.assertEqual(len(combined), answered)
        self.assertTrue(all(COMBINED.match(line) for line in combined))
        self.assertGreater(len(records), 0)
        self.assertLess(len(records), answered)  # only requests begun after the reload

    def test_sigusr1_reopens_logs_without_losing_a_line_under_load(self):
        demo = self.start_demo("a")
        port = free_port()
        locations = ("    access_log @DIR@/access.log combined buffer=4k;\n"
                     "    location / { proxy_pass http://app; }\n")
        config = with_workers(make_config(port, locations,
                                          upstreams=upstream_block("app", [demo.address("a")])), 2)
        yoke = self.start_yoke(config, port)
        path = os.path.join(yoke.dir, "access.log")
        rotated = path + ".1"
        error_log = yoke.error_log_path
        load = SteadyLoad(port, clients=4, pause=0.002, max_requests=3000)
        try:
            time.sleep(0.5)
            os.rename(path, rotated)  # what logrotate does, then it signals (postrotate)
            os.rename(error_log, error_log + ".1")
            yoke.signal(signal.SIGUSR1)
            time.sleep(0.7)
        finally:
            load.stop()
        answered = sum(1 for record in load.records if record[2] == 200)
        self.assertEqual(load.errors, [])
        yoke.stop()
        old, new = read_lines(rotated), read_lines(path)
        self.assertGreater(len(old), 0)
        self.assertGreater(len(new), 0)  # lines after the signal went to the new file
        self.assertEqual(len(old) + len(new), answered)
        self.assertTrue(all(COMBINED.match(line) for line in old + new))
        self.assertTrue(os.path.exists(error_log))  # the error log was reopened too
        with open(error_log + ".1") as before:
            self.assertIn("SIGUSR1: reopening log files", before.read())

    def test_a_full_disk_never_stops_serving(self):
        port, admin = free_port(), free_port()
        locations = ("    access_log /dev/full combined buffer=100;\n"
                     "    location / { return 200 \"ok\\n\"; }\n")
        config = make_config(port, locations,
                             main_extra="admin { listen 127.0.0.1:%d; }" % admin)
        yoke = self.start_yoke(config, port)
        with HttpSession(port) as session:
            for _ in range(50):
                self.assertEqual(session.request("/x")[0], 200)
        _, _, body = http_request(admin, "/metrics")
        text = body.decode()
        errors = int(re.search(r"^yoke_access_log_write_errors_total (\d+)$", text, re.M).group(1))
        dropped = int(re.search(r"^yoke_access_log_lines_dropped_total (\d+)$", text, re.M).group(1))
        self.assertGreaterEqual(errors, 10)  # about one write per two lines, each failing
        self.assertGreaterEqual(dropped, 49)
        self.assertLessEqual(dropped, 50)
        yoke.stop()
        reports = yoke.error_log.count("to access log \"/dev/full\" failed")
        self.assertGreaterEqual(reports, 1)
        self.assertLessEqual(reports, 3)  # at most one a second, however many failures
        self.assertIn("No space left on device", yoke.error_log)

    def test_an_unwritable_path_is_reported_and_requests_are_served(self):
        port = free_port()
        locations = ("    access_log /nonexistent-dir/access.log;\n"
                     "    location / { return 204; }\n")
        yoke = self.start_yoke(make_config(port, locations), port)
        for _ in range(5):
            self.assertEqual(http_request(port, "/")[0], 204)
        yoke.stop()
        self.assertIn("open() to access log \"/nonexistent-dir/access.log\" failed",
                      yoke.error_log)
