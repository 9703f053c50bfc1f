"""HTTP/1.1 handling at Yoke's front door: pipelining, request smuggling defences, limits,
timeouts, hop-by-hop headers, HTTP/1.0 and WebSocket upgrades."""

import json
import socket
import time

from harness import (T, WebSocketClient, YokeTestCase, build_request, free_port, make_config,
                     pipeline, upstream_block, websocket_accept)

# Each must be answered 400 without anything reaching the backend (RFC 9112 §6.1, §6.3, §5.1,
# §5.2, §3.2, §7.1; RFC 9110 §5.5 for NUL).
MALFORMED = {
    "content-length and transfer-encoding":
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0\r\n\r\n",
    "two different content-lengths":
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    "obs-fold":
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n  b\r\n\r\n",
    "space before colon":
        b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
    "missing host on 1.1":
        b"GET / HTTP/1.1\r\nUser-Agent: t\r\n\r\n",
    "bad chunk size":
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "NUL in header value":
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n",
    "NUL in target":
        b"GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n",
}


class ProtocolTest(YokeTestCase):

    def start_proxy(self, address, location_extra="", server_extra="", locations=None):
        port = free_port()
        locations = locations or (
            "    location / { proxy_pass http://app; %s }\n" % location_extra)
        config = make_config(port, locations, upstreams=upstream_block("app", [address]),
                             server_extra=server_extra)
        self.yoke = self.start_yoke(config, port)
        return port

    def assert_backend_untouched(self, backend, label):
        counts = backend.counts()
        self.assertEqual(counts["requests"], 0, "%s reached the backend: %r" %
                         (label, [(r.method, r.target, r.headers) for r in backend.records]))
        self.assertEqual(counts["bytes_received"], 0, label)

    def test_pipelined_requests_answered_in_order(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address)
        requests = [build_request("GET", "/slow/300?n=1"), build_request("GET", "/second"),
                    build_request("POST", "/third", [("Host", "x"), ("Content-Length", "3")],
                                  b"abc")]
        responses = pipeline(port, requests, timeout=T(5))
        self.assertEqual([r.status for r in responses], [200, 200, 200])
        paths = [json.loads(r.body)["path"] for r in responses]
        self.assertEqual(paths, ["/slow/300", "/second", "/third"])

    def test_malformed_requests_get_400_and_reach_nothing(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address)
        for label, raw in MALFORMED.items():
            with self.subTest(label), self.raw_client(port) as client:
                client.send(raw)
                try:
                    response = client.read_response(timeout=T(3))
                except Exception as error:  # noqa: BLE001 - report what happened instead
                    self.fail("%s: no 400 response (%r)" % (label, error))
                self.assertEqual(response.status, 400, label)
        time.sleep(0.2)  # anything wrongly forwarded has arrived by now
        self.assert_backend_untouched(backend, "malformed requests")

    def test_long_request_line_414_and_large_headers_431(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address)
        long_line = build_request("GET", "/" + "a" * 20000)
        many_headers = build_request("GET", "/", [("Host", "x")] + [
            ("X-Filler-%d" % i, "v" * 2000) for i in range(40)])
        for label, raw, status in (("long request line", long_line, 414),
                                   ("large headers", many_headers, 431)):
            with self.subTest(label), self.raw_client(port) as client:
                try:
                    client.send(raw)
                except OSError:
                    pass  # Yoke may answer and close before reading everything
                self.assertEqual(client.read_response(timeout=T(3)).status, status, label)
        self.assert_backend_untouched(backend, "oversized requests")

    def test_slow_header_sender_times_out(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address, server_extra="    client_header_timeout 1s;")
        client = self.raw_client(port, timeout=T(5))
        started = time.monotonic()
        client.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
        closed = client.wait_closed(T(3))
        elapsed = time.monotonic() - started
        self.assertTrue(closed, "connection still open after %.1fs" % elapsed)
        self.assertGreater(elapsed, 0.8, "closed before client_header_timeout")
        if client.buffer:
            self.assertTrue(client.buffer.startswith(b"HTTP/1.1 408"), client.buffer[:100])
        self.assert_backend_untouched(backend, "incomplete head")

    def test_hop_by_hop_headers_not_forwarded(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address,
                                "proxy_set_header X-Real-IP $remote_addr;")
        client = self.raw_client(port)
        client.send(build_request("GET", "/inspect", [
            ("Host", "example.test"), ("Connection", "close, X-Secret"), ("X-Secret", "1"),
            ("Keep-Alive", "5"), ("TE", "trailers"), ("X-Kept", "yes")]))
        response = client.read_response()
        self.assertEqual(response.status, 200)
        headers = {name.lower(): value for name, value in json.loads(response.body)["headers"]}
        for hop in ("x-secret", "keep-alive", "te"):
            self.assertNotIn(hop, headers, "hop-by-hop %s forwarded: %r" % (hop, headers))
        self.assertEqual(headers.get("x-real-ip"), "127.0.0.1")
        self.assertEqual(headers.get("x-kept"), "yes")
        self.assertTrue(client.wait_closed(T(3)), "Connection: close not honoured")

    def test_http10_client_gets_response_and_close(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address)
        client = self.raw_client(port)
        client.send(b"GET /inspect HTTP/1.0\r\n\r\n")
        response = client.read_response()
        self.assertEqual(response.status, 200)
        self.assertEqual(json.loads(response.body)["path"], "/inspect")
        self.assertTrue(client.wait_closed(T(3)), "HTTP/1.0 connection left open")

    def test_websocket_echo_through_yoke(self):
        backend = self.start_py_backend()
        location = ("    location / { proxy_pass http://app; proxy_http_version 1.1; "
                    "proxy_set_header Upgrade $http_upgrade; "
                    "proxy_set_header Connection \"upgrade\"; }\n")
        port = self.start_proxy(backend.address, locations=location)
        client = self.raw_client(port)
        key = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455 §1.3's example
        client.send(build_request("GET", "/ws", [
            ("Host", "x"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", key), ("Sec-WebSocket-Version", "13")]))
        response = client.read_response()
        self.assertEqual(response.status, 101, response)
        self.assertEqual(response.header("Sec-WebSocket-Accept"), websocket_accept(key))
        self.assertEqual(response.header("Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        socket_client = WebSocketClient(client)
        messages = [(0x1, b"hello"), (0x2, bytes(range(256)) * 300), (0x1, b"")]
        for opcode, payload in messages:
            socket_client.send(payload, opcode)
            self.assertEqual(socket_client.receive(T(5)), (opcode, payload))
        socket_client.send(b"\x03\xe8", 0x8)  # close, code 1000
        self.assertEqual(socket_client.receive(T(5)), (0x8, b"\x03\xe8"))
        self.assertTrue(client.wait_closed(T(5)))

    def test_yoke_still_serves_after_garbage(self):
        backend = self.start_py_backend()
        port = self.start_proxy(backend.address)
        with socket.create_connection(("127.0.0.1", port), timeout=T(3)) as sock:
            sock.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\xff" * 500)
            try:
                sock.recv(4096)
            except OSError:
                pass
        client = self.raw_client(port)
        client.send(build_request("GET", "/after"))
        self.assertEqual(client.read_response().status, 200)
