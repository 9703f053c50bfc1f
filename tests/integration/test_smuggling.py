"""The differential smuggling corpus (tests/smuggling/, format in its README.md) through the real
Yoke to a backend that records the exact bytes of every connection.

For each case: a fresh client connection sends the case's bytes in one write; every expected
response must arrive with its status (and the connection must close where the case says so);
the backend must then have received exactly one connection per forwarded request, each holding
exactly the expected bytes — one complete, unambiguous request and nothing after it. A request
Yoke rejects must not reach the backend at all.

What Yoke changes on the way is fixed by the config below and documented in
tests/smuggling/README.md: the request line is rebuilt (origin-form target, HTTP/1.1), Host
becomes the proxy_pass host ("app"), hop-by-hop fields and Expect are dropped, then
"Connection: close" (no upstream keep-alive here, so one connection carries one request) and
the framing Yoke computed: Content-Length, or Transfer-Encoding: chunked with the body
re-chunked canonically (lower-case hex sizes, no extensions; trailer fields as received).
"""

import time

from harness import T, YokeTestCase, free_port, make_config, upstream_block
from recording_backend import RecordingBackend
from smuggling_corpus import load_corpus

# Enough for the corpus's largest case; a case over it would be a 431 the corpus did not mean.
SERVER_EXTRA = "    client_max_body_size 1m;\n"


def describe(data, limit=600):
    text = repr(data)
    return text if len(text) <= limit else text[:limit] + "..."


class SmugglingCorpusTest(YokeTestCase):

    TEST_TIMEOUT = 240

    def setUp(self):
        super().setUp()
        self.backend = RecordingBackend(quiet=T(1), linger=T(1))
        self.addCleanup(self.backend.stop)
        self.port = free_port()
        # trace_context off: the corpus states the exact bytes forwarded, and a generated
        # traceparent (docs/logging.md) would differ on every run.
        locations = ("    trace_context off;\n"
                     "    location / { proxy_pass http://app; }\n")
        config = make_config(self.port, locations,
                             upstreams=upstream_block("app", [self.backend.address]),
                             server_extra=SERVER_EXTRA)
        self.yoke = self.start_yoke(config, self.port)

    def read_expectations(self, client, case):
        """Checks each expected response; returns a list of problems (empty when all match)."""
        for index, expectation in enumerate(case.expectations):
            if expectation.status is None:
                if not client.wait_closed(T(3)):
                    return ["expected the connection closed without a response, got %s" %
                            describe(client.buffer)]
                if client.buffer:
                    return ["expected no response before the close, got %s" %
                            describe(client.buffer)]
                return []
            try:
                response = client.read_response(timeout=T(3))
            except Exception as error:  # noqa: BLE001 - report what happened instead
                return ["response %d: expected %d, got none (%r, partial %s)" %
                        (index + 1, expectation.status, error, describe(client.buffer))]
            if response.status != expectation.status:
                return ["response %d: expected %d, got %d %r" %
                        (index + 1, expectation.status, response.status, response.body[:200])]
            if expectation.close and not client.wait_closed(T(3)):
                return ["response %d: expected the connection closed after it" % (index + 1)]
        return []

    def run_case(self, case):
        accepted_before, _ = self.backend.counts()
        with self.raw_client(self.port, timeout=T(3)) as client:
            try:
                client.send(case.send)
            except OSError:
                pass  # Yoke may answer and close before reading everything
            problems = self.read_expectations(client, case)
        forwards = case.forwards
        # A connection Yoke opened reaches the backend's accept() a moment after Yoke's
        # connect() returned: give a wrongly forwarded request that moment to show up.
        time.sleep(0.02)
        records = self.backend.wait_records(accepted_before + len(forwards), T(3))
        accepted_after, _ = self.backend.counts()
        received = records[accepted_before:]
        if accepted_after - accepted_before != len(forwards):
            problems.append("expected %d request(s) at the backend, got %d connection(s): %s" %
                            (len(forwards), accepted_after - accepted_before,
                             [describe(r) for r in received]))
        for index, (expected, actual) in enumerate(zip(forwards, received)):
            if expected != actual:
                problems.append("forwarded request %d differs:\n  expected %s\n  received %s" %
                                (index + 1, describe(expected), describe(actual)))
        return problems

    def test_corpus(self):
        cases = load_corpus()
        self.assertGreaterEqual(len(cases), 150, "the corpus must hold at least 150 cases")
        failures = []
        for case in cases:
            problems = self.run_case(case)
            if problems:
                failures.append("%s (%s): %s" % (case.name, case.where, "; ".join(problems)))
            if not self.yoke.running():
                self.fail("yoke died at case %s%s" % (case.name, self.yoke.diagnostics()))
        # Nothing arrived late for any case: the backend saw exactly the expected connections.
        time.sleep(0.3)
        total = sum(len(case.forwards) for case in cases)
        self.assertFalse(failures, "%d of %d cases failed:\n%s" %
                         (len(failures), len(cases), "\n".join(failures)))
        self.assertEqual(self.backend.counts()[0], total,
                         "backend connections differ from the corpus's forwarded requests")
