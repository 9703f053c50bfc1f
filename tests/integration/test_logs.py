"""Access log (nginx "combined" format, buffered per worker) and error-log lines for upstream
failures, as an operator reads them."""

import os
import re

from harness import YokeTestCase, free_port, http_request, make_config, upstream_block

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
