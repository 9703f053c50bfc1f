"""Bodies keep moving when Yoke falls behind its sockets.

With edge-triggered epoll a session that stops pumping before a read or write returned EAGAIN
gets no further event for bytes already queued in the kernel: the transfer stalls until a
timeout. That only shows when megabytes pile up in socket buffers, i.e. when Yoke is not
scheduled at once, so these tests repeat medium transfers while busy processes compete for
the CPU. They assert completion, not speed.
"""

import subprocess

from harness import (T, ConnectionClosed, YokeTestCase, build_request, free_port, make_config,
                     sanitized, upstream_block)

MIB = 1 << 20


class StreamingStressTest(YokeTestCase):

    # About one 64 MiB transfer in fifteen stalled on a Yoke that lost wake-ups; 30 catch it
    # most of the time. Sanitizer builds move bytes ~5x slower: fewer rounds.
    TRANSFERS = 10 if sanitized() else 30
    SIZE = 64 * MIB

    def compete_for_cpu(self, count=2):
        for _ in range(count):
            hog = subprocess.Popen(["sh", "-c", "while :; do :; done"])
            self.addCleanup(hog.wait, 5)
            self.addCleanup(hog.kill)
            self._stoppers.append(hog.kill)

    def test_uploads_and_downloads_complete_under_cpu_contention(self):
        demo = self.start_demo("bulk")
        port = free_port()
        config = make_config(
            port, "    location / { proxy_pass http://app; client_max_body_size 0; }\n",
            upstreams=upstream_block("app", [demo.address("bulk")], "keepalive 4;"))
        self.start_yoke(config, port)
        self.compete_for_cpu()
        block = b"u" * MIB
        for attempt in range(self.TRANSFERS):
            client = self.raw_client(port, timeout=T(10))
            client.send(build_request("POST", "/", [("Host", "x"),
                                                     ("Content-Length", str(self.SIZE))]))
            for _ in range(self.SIZE // MIB):
                client.send(block)
            try:
                response = client.read_response()
            except (OSError, ConnectionClosed) as error:
                self.fail("upload %d of %d MiB stalled: %r" % (attempt, self.SIZE >> 20, error))
            self.assertEqual((response.status, response.body), (200, b"bulk\n"))

            client.send(build_request("GET", "/bytes/%d" % self.SIZE))
            try:
                response = client.read_response(body_sink=lambda piece: None)
            except (OSError, ConnectionClosed) as error:
                self.fail("download %d of %d MiB stalled: %r" % (attempt, self.SIZE >> 20, error))
            self.assertEqual((response.status, response.body_length), (200, self.SIZE))
            client.close()
