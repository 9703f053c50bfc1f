"""listen … proxy_protocol with the real yoke: PROXY v1 and v2 headers sent as raw bytes and by
HAProxy (send-proxy, send-proxy-v2); the address they carry becomes $remote_addr through
real_ip_header proxy_protocol and decides allow/deny; malformed headers, a header that never
ends and a missing header close the connection and are counted."""

import socket
import struct
import time
import unittest

from harness import T, YokeTestCase, free_port, make_config, upstream_block
from security_helpers import (HAProxy, haproxy_config, metric, request_from, seen_headers,
                              wait_until)

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def v2_header(source, source_port, destination="127.0.0.1", destination_port=80, command=1):
    block = (socket.inet_aton(source) + socket.inet_aton(destination) +
             struct.pack("!HH", source_port, destination_port))
    return V2_SIGNATURE + bytes([0x20 | command, 0x11]) + struct.pack("!H", len(block)) + block


REQUEST = b"GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"


def exchange(port, data, pieces=1, pause=0.0, source="127.0.0.1"):
    """Sends data (in `pieces` writes, `pause` apart) and reads until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=T(5),
                                  source_address=(source, 0)) as client:
        step = max(1, -(-len(data) // pieces))
        for offset in range(0, len(data), step):
            client.sendall(data[offset:offset + step])
            if pause:
                time.sleep(pause)
        received = b""
        while True:
            try:
                chunk = client.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
        return received


def body_of(response):
    return response.split(b"\r\n\r\n", 1)[1]


class ProxyProtocolTest(YokeTestCase):

    def start(self, location_extra="", http_extra="", header_timeout="5s"):
        backend = self.start_py_backend("b")
        port, admin = free_port(), free_port()
        config = make_config(
            port,
            "    location / {\n%s\n"
            "      proxy_set_header X-Seen $remote_addr;\n"
            "      proxy_set_header X-Seen-Port $remote_port;\n"
            "      proxy_set_header X-Proxy-Protocol $proxy_protocol_addr;\n"
            "      proxy_set_header X-Peer $realip_remote_addr;\n"
            "      proxy_pass http://app;\n    }\n" % location_extra,
            upstreams=upstream_block("app", [backend.address]),
            http_extra="  client_header_timeout %s;\n%s" % (header_timeout, http_extra),
            main_extra="admin { listen 127.0.0.1:%d; }" % admin)
        config = config.replace("listen 127.0.0.1:%d;" % port,
                                "listen 127.0.0.1:%d proxy_protocol;" % port)
        yoke = self.start_yoke(config, port)
        return backend, yoke, port, admin

    def test_v1_header_names_the_client(self):
        _, _, port, _ = self.start(http_extra="  set_real_ip_from 127.0.0.1;\n"
                                              "  real_ip_header proxy_protocol;")
        response = exchange(port, b"PROXY TCP4 192.0.2.1 127.0.0.1 56324 80\r\n" + REQUEST)
        self.assertTrue(response.startswith(b"HTTP/1.1 200"), response[:200])
        headers = seen_headers(body_of(response))
        self.assertEqual(headers["x-seen"], "192.0.2.1")
        self.assertEqual(headers["x-seen-port"], "56324")
        self.assertEqual(headers["x-proxy-protocol"], "192.0.2.1")
        self.assertEqual(headers["x-peer"], "127.0.0.1")

    def test_without_realip_the_address_stays_the_senders(self):
        # nginx's semantics: the header is read, but only real_ip_header proxy_protocol (from
        # a trusted sender) makes it $remote_addr.
        _, _, port, _ = self.start()
        response = exchange(port, b"PROXY TCP6 2001:db8::7 ::1 40000 80\r\n" + REQUEST)
        headers = seen_headers(body_of(response))
        self.assertEqual(headers["x-seen"], "127.0.0.1")
        self.assertEqual(headers["x-proxy-protocol"], "2001:db8::7")

    def test_v2_header_in_pieces_with_a_deny_rule(self):
        _, _, port, _ = self.start(location_extra="      deny 198.51.100.9;",
                                   http_extra="  set_real_ip_from 127.0.0.0/8;\n"
                                              "  real_ip_header proxy_protocol;")
        # The header arrives in five writes: the connection waits for all of it.
        response = exchange(port, v2_header("203.0.113.5", 1234) + REQUEST, pieces=5, pause=0.05)
        self.assertTrue(response.startswith(b"HTTP/1.1 200"), response[:200])
        self.assertEqual(seen_headers(body_of(response))["x-seen"], "203.0.113.5")
        response = exchange(port, v2_header("198.51.100.9", 1234) + REQUEST)
        self.assertTrue(response.startswith(b"HTTP/1.1 403"), response[:200])

    def test_v2_local_and_v1_unknown_keep_the_connections_address(self):
        _, _, port, _ = self.start(http_extra="  set_real_ip_from 127.0.0.1;\n"
                                              "  real_ip_header proxy_protocol;")
        for header in (v2_header("203.0.113.5", 1, command=0), b"PROXY UNKNOWN\r\n"):
            response = exchange(port, header + REQUEST)
            self.assertTrue(response.startswith(b"HTTP/1.1 200"), response[:200])
            self.assertEqual(seen_headers(body_of(response))["x-seen"], "127.0.0.1")

    def test_bad_or_missing_headers_close_and_are_counted(self):
        backend, yoke, port, admin = self.start(header_timeout="1s")
        bad = [
            REQUEST,  # no header at all
            b"PROXY TCP4 192.0.2.1 127.0.0.1 056324 80\r\n" + REQUEST,  # leading zero
            b"PROXY TCP4 192.0.2.1 127.0.0.1 1 80\n" + REQUEST,  # LF without CR
            b"PROXY UNKNOWN " + b"x" * 120,  # no line end within 107 bytes
            V2_SIGNATURE + b"\x22\x11\x00\x0c" + b"\x00" * 12 + REQUEST,  # command 2
            V2_SIGNATURE + b"\x21\x12\x00\x0c" + b"\x00" * 12 + REQUEST,  # UDP
        ]
        for data in bad:
            self.assertEqual(exchange(port, data), b"", data)
        # A header that never completes is closed by client_header_timeout (1 s here).
        started = time.monotonic()
        self.assertEqual(exchange(port, b"PROXY TCP4 192.0.2.1"), b"")
        self.assertLess(time.monotonic() - started, T(4))
        self.assertEqual(backend.counts()["requests"], 0)
        self.assertTrue(wait_until(lambda: metric(
            admin, "yoke_connections_rejected_total", 'reason="proxy_protocol"') == len(bad) + 1,
            T(3)), yoke.diagnostics())
        self.assertIn("invalid PROXY protocol header", yoke.error_log)

    def test_haproxy_send_proxy_v1_and_v2(self):
        for send in ("send-proxy", "send-proxy-v2"):
            with self.subTest(send=send):
                _, yoke, port, _ = self.start(location_extra="      deny 127.0.0.6;",
                                              http_extra="  set_real_ip_from 127.0.0.1;\n"
                                                         "  real_ip_header proxy_protocol;")
                front = free_port()
                haproxy = HAProxy(haproxy_config(front, port, send), front)
                self.addCleanup(haproxy.stop)
                # The client connects to HAProxy from 127.0.0.5; HAProxy connects to Yoke from
                # 127.0.0.1 and says who the client was.
                for _ in range(3):  # keep-alive between HAProxy and Yoke, several requests
                    status, body = request_from("127.0.0.5", front, "/x")
                    self.assertEqual(status, 200, yoke.diagnostics())
                    headers = seen_headers(body)
                    self.assertEqual(headers["x-seen"], "127.0.0.5")
                    self.assertEqual(headers["x-peer"], "127.0.0.1")
                self.assertEqual(request_from("127.0.0.6", front, "/x")[0], 403)
                haproxy.stop()


if __name__ == "__main__":
    unittest.main()
