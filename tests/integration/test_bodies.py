"""Request and response bodies through Yoke: chunked both ways, large streamed transfers with
bounded memory, Expect: 100-continue, HEAD."""

import hashlib
import json
import time

from harness import (T, RssSampler, YokeTestCase, build_request, free_port, http_request,
                     make_config, pattern_bytes, upstream_block)

MIB = 1 << 20


def chunked(data, sizes):
    """Encodes data in chunks whose sizes cycle through `sizes` (RFC 9112 §7.1)."""
    out, pos, i = [], 0, 0
    while pos < len(data):
        size = sizes[i % len(sizes)]
        piece = data[pos:pos + size]
        out.append(b"%x\r\n" % len(piece) + piece + b"\r\n")
        pos += len(piece)
        i += 1
    out.append(b"0\r\n\r\n")
    return b"".join(out)


class BodiesTest(YokeTestCase):

    def start_proxy(self, address, location_extra=""):
        port = free_port()
        config = make_config(
            port, "    location / { proxy_pass http://app; %s }\n" % location_extra,
            upstreams=upstream_block("app", [address], "keepalive 4;"))
        self.yoke = self.start_yoke(config, port)
        return port

    def test_chunked_upload_reaches_backend_intact(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address)
        payload = pattern_bytes(300001)
        client = self.raw_client(port)
        client.send(build_request("POST", "/inspect", [("Host", "x"),
                                                        ("Transfer-Encoding", "chunked")]))
        client.send(chunked(payload, [1, 4096, 65536, 17, 100000]))
        response = client.read_response()
        self.assertEqual(response.status, 200, response.body)
        seen = json.loads(response.body)
        self.assertEqual(seen["body_length"], len(payload))
        self.assertEqual(seen["body_sha256"], hashlib.sha256(payload).hexdigest())

    def test_chunked_response_reaches_client_intact(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address)
        client = self.raw_client(port)
        for size in (1, 16384, 1000003):
            client.send(build_request("GET", "/stream/%d" % size))
            response = client.read_response(timeout=T(10))
            self.assertEqual(response.status, 200)
            self.assertEqual(response.body_length, size)
            self.assertEqual(response.body_sha256, hashlib.sha256(pattern_bytes(size)).hexdigest())

    def test_chunked_upload_echoed_back(self):
        demo = self.start_demo("echo")
        port = self.start_proxy(demo.address("echo"))
        payload = pattern_bytes(200000, 7)
        client = self.raw_client(port)
        client.send(build_request("POST", "/echo", [("Host", "x"),
                                                     ("Transfer-Encoding", "chunked")]))
        client.send(chunked(payload, [3, 8192, 50000]))
        response = client.read_response()
        self.assertEqual(response.status, 200)
        self.assertEqual(response.body_sha256, hashlib.sha256(payload).hexdigest())

    def test_256_mib_upload_and_download_in_bounded_memory(self):
        demo = self.start_demo("big")
        port = self.start_proxy(demo.address("big"), "client_max_body_size 0;")
        size = 256 * MIB
        client = self.raw_client(port, timeout=T(60))
        client.send(build_request("GET", "/"))
        self.assertEqual(client.read_response().status, 200)  # warm-up: buffers, pools

        with RssSampler(self.yoke.pid, interval=0.002) as upload_rss:
            client.send(build_request("POST", "/", [("Host", "x"),
                                                     ("Content-Length", str(size))]))
            block = b"u" * MIB
            for _ in range(size // MIB):
                client.send(block)
            response = client.read_response()
        self.assertEqual((response.status, response.body), (200, b"big\n"))

        counts = {"x": 0, "total": 0}

        def sink(piece):
            counts["x"] += piece.count(b"x")
            counts["total"] += len(piece)

        with RssSampler(self.yoke.pid, interval=0.002) as download_rss:
            client.send(build_request("GET", "/bytes/%d" % size))
            response = client.read_response(body_sink=sink)
        self.assertEqual(response.status, 200)
        self.assertEqual(counts, {"x": size, "total": size})
        self.assertEqual(demo.requests("big"), 3)
        for label, sampler in (("upload", upload_rss), ("download", download_rss)):
            # The transfer can take well under 100 ms on loopback: sample every 2 ms and only
            # require that sampling really happened while it ran.
            self.assertGreaterEqual(sampler.samples, 3, label)
            self.assertLess(sampler.growth_kib(), 16 * 1024,
                            "%s: RSS grew from %d KiB to %d KiB" %
                            (label, sampler.baseline, sampler.peak))

    def test_expect_100_continue(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address)
        client = self.raw_client(port)
        body = b"hello world"
        client.send(build_request("POST", "/inspect", [("Host", "x"),
                                                        ("Content-Length", str(len(body))),
                                                        ("Expect", "100-continue")]))
        # The client waits for 100 before sending the body (RFC 9110 §10.1.1).
        interim = client.read_response(timeout=T(3))
        self.assertEqual(interim.status, 100, interim)
        self.assertTrue(interim.raw_head.startswith(b"HTTP/1.1 100"), interim.raw_head)
        client.send(body)
        _, final = client.read_final_response()
        self.assertEqual(final.status, 200)
        seen = json.loads(final.body)
        self.assertEqual(seen["body_sha256"], hashlib.sha256(body).hexdigest())

    def test_head_response_has_no_body(self):
        demo = self.start_demo("h")
        port = self.start_proxy(demo.address("h"))
        client = self.raw_client(port)
        client.send(build_request("HEAD", "/bytes/1000"))
        head = client.read_response(head_request=True)
        self.assertEqual(head.status, 200)
        self.assertIn(head.header("Content-Length"), (None, "1000"))
        # Any body bytes Yoke wrongly sent would be read as the next status line.
        client.send(build_request("GET", "/"))
        following = client.read_response()
        self.assertEqual((following.status, following.body), (200, b"h\n"))

    def test_head_of_chunked_resource_does_not_hang(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address)
        client = self.raw_client(port)
        client.send(build_request("HEAD", "/stream/100") + build_request("GET", "/inspect"))
        self.assertEqual(client.read_response(head_request=True).status, 200)
        following = client.read_response()
        self.assertEqual(json.loads(following.body)["method"], "GET")

    def test_unread_body_after_413_is_drained_not_reset(self):
        # Yoke answers 413 before the body arrives; closing then would make the kernel reset the
        # connection when the rest of the body comes in. Lingering (shut down writes, read and
        # discard) lets the client finish sending and see a clean end of stream instead.
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address, "client_max_body_size 1k;")
        with self.raw_client(port) as client:
            client.send(build_request("POST", "/inspect", [("Host", "x"),
                                                            ("Content-Length", "200000")]))
            response = client.read_response(timeout=T(3))
            self.assertEqual(response.status, 413)
            for _ in range(3):
                client.send(b"b" * 65536)
                time.sleep(0.05)
            client.sock.settimeout(T(5))
            self.assertEqual(client.sock.recv(1), b"", "a clean FIN, not a reset")

    def test_body_over_client_max_body_size_gets_413(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address, "client_max_body_size 1k;")
        with self.raw_client(port) as client:
            client.send(build_request("POST", "/inspect", [("Host", "x"),
                                                            ("Content-Length", "5000")]))
            self.assertEqual(client.read_response(timeout=T(3)).status, 413)
        with self.raw_client(port) as client:
            client.send(build_request("POST", "/inspect", [("Host", "x"),
                                                            ("Transfer-Encoding", "chunked")]))
            try:
                client.send(chunked(b"c" * 5000, [700]))
            except OSError:
                pass  # Yoke may answer and close before reading the rest
            self.assertEqual(client.read_response(timeout=T(3)).status, 413)
        self.assertEqual(backend.counts()["requests"], 0, "a body over the limit was forwarded")
        status, _, body = http_request(port, "/inspect", "POST", body=b"s" * 1000)
        self.assertEqual(status, 200, body)
