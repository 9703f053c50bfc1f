"""allow / deny and limit_except with the real yoke: rules in order, first match wins, inherited
http → server → location, IPv4 and IPv6, and the real client address (realip) deciding. Clients
are told apart by binding to other loopback addresses (127.0.0.0/8 is all loopback on Linux)."""

import http.client
import json
import socket
import unittest

from harness import T, YokeTestCase, free_port, make_config, upstream_block
from security_helpers import request_from


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


class AccessControlTest(YokeTestCase):

    def start(self, locations, http_extra="", server_extra="", listen_extra=""):
        backend = self.start_py_backend("b")
        port = free_port()
        config = make_config(port, locations, upstreams=upstream_block("app", [backend.address]),
                             http_extra=http_extra, server_extra=server_extra)
        if listen_extra:
            config = config.replace("listen 127.0.0.1:%d;" % port,
                                    "listen 127.0.0.1:%d;\n    %s" % (port, listen_extra))
        return backend, self.start_yoke(config, port), port

    def test_rules_in_order_first_match_wins(self):
        backend, yoke, port = self.start(
            "    location / {\n"
            "      deny 127.0.0.2;\n"
            "      allow 127.0.0.0/29;\n"
            "      deny all;\n"
            "      proxy_pass http://app;\n"
            "    }\n")
        self.assertEqual(request_from("127.0.0.1", port, "/x")[0], 200)
        self.assertEqual(request_from("127.0.0.2", port, "/x")[0], 403)  # denied before allowed
        self.assertEqual(request_from("127.0.0.7", port, "/x")[0], 200)
        self.assertEqual(request_from("127.0.0.8", port, "/x")[0], 403)  # outside /29: deny all
        self.assertEqual(backend.counts()["requests"], 2)
        self.assertIn("access forbidden by rule, client: 127.0.0.2", yoke.error_log)

    def test_inherited_from_http_and_replaced_by_a_level_with_rules(self):
        _, _, port = self.start(
            "    location /closed { proxy_pass http://app; }\n"
            "    location /open { allow all; proxy_pass http://app; }\n",
            http_extra="  deny 127.0.0.3;")
        self.assertEqual(request_from("127.0.0.3", port, "/closed")[0], 403)
        self.assertEqual(request_from("127.0.0.1", port, "/closed")[0], 200)
        self.assertEqual(request_from("127.0.0.3", port, "/open")[0], 200)

    def test_denied_before_return_and_limits(self):
        # Yoke checks access right after the location is chosen, so a `return` is protected too
        # (nginx would answer the return first).
        _, _, port = self.start("    location /status { deny 127.0.0.4; return 200 ok; }\n")
        self.assertEqual(request_from("127.0.0.4", port, "/status")[0], 403)
        self.assertEqual(request_from("127.0.0.1", port, "/status"), (200, b"ok"))

    def test_limit_except_restricts_other_methods(self):
        backend, _, port = self.start(
            "    location / {\n"
            "      limit_except GET { allow 127.0.0.1; deny all; }\n"
            "      proxy_pass http://app;\n"
            "    }\n")
        for source in ("127.0.0.1", "127.0.0.5"):
            self.assertEqual(request_from(source, port, "/x")[0], 200)
            self.assertEqual(request_from(source, port, "/x", method="HEAD")[0], 200)
        self.assertEqual(request_from("127.0.0.1", port, "/x", method="DELETE")[0], 200)
        self.assertEqual(request_from("127.0.0.5", port, "/x", method="DELETE")[0], 403)
        self.assertEqual(request_from("127.0.0.5", port, "/x", method="POST")[0], 403)
        self.assertEqual(backend.counts()["requests"], 5)

    @unittest.skipUnless(ipv6_loopback(), "no IPv6 loopback")
    def test_ipv6_networks(self):
        backend = self.start_py_backend("b")
        port = free_port()
        config = make_config(port,
                             "    location / { deny ::1; allow all; proxy_pass http://app; }\n",
                             upstreams=upstream_block("app", [backend.address]),
                             server_extra="    listen [::1]:%d;" % port)
        self.start_yoke(config, port)
        self.assertEqual(request_from("::1", port, "/x", host="::1")[0], 403)
        self.assertEqual(request_from("127.0.0.1", port, "/x")[0], 200)

    def test_real_address_from_x_forwarded_for_decides(self):
        # 127.0.0.1 is a trusted proxy; the address it forwards is the client, and that address
        # is what deny, $remote_addr and X-Forwarded-For see.
        backend, _, port = self.start(
            "    location / {\n"
            "      deny 203.0.113.66;\n"
            "      proxy_set_header X-Seen $remote_addr;\n"
            "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
            "      proxy_pass http://app;\n"
            "    }\n",
            http_extra="  set_real_ip_from 127.0.0.1;\n  real_ip_header X-Forwarded-For;")
        status, body = request_from("127.0.0.1", port, "/x",
                                    headers={"X-Forwarded-For": "198.51.100.7"})
        self.assertEqual(status, 200)
        headers = dict((k.lower(), v) for k, v in json.loads(body)["headers"])
        self.assertEqual(headers["x-seen"], "198.51.100.7")
        self.assertEqual(headers["x-forwarded-for"], "198.51.100.7, 198.51.100.7")
        self.assertEqual(request_from("127.0.0.1", port, "/x",
                                      headers={"X-Forwarded-For": "203.0.113.66"})[0], 403)
        # An untrusted peer cannot claim an address: 127.0.0.9 stays itself.
        status, body = request_from("127.0.0.9", port, "/x",
                                    headers={"X-Forwarded-For": "203.0.113.66"})
        self.assertEqual(status, 200)
        headers = dict((k.lower(), v) for k, v in json.loads(body)["headers"])
        self.assertEqual(headers["x-seen"], "127.0.0.9")

    def test_real_ip_recursive_skips_trusted_hops(self):
        backend, _, port = self.start(
            "    location / { proxy_set_header X-Seen $remote_addr; proxy_pass http://app; }\n",
            http_extra="  set_real_ip_from 127.0.0.0/8;\n  set_real_ip_from 10.0.0.0/8;\n"
                       "  real_ip_header X-Forwarded-For;\n  real_ip_recursive on;")
        chain = "192.0.2.1, 198.51.100.2, 10.1.1.1, 127.0.0.3"
        status, body = request_from("127.0.0.1", port, "/x", headers={"X-Forwarded-For": chain})
        headers = dict((k.lower(), v) for k, v in json.loads(body)["headers"])
        self.assertEqual(headers["x-seen"], "198.51.100.2")

    def test_keep_alive_requests_each_get_their_own_real_address(self):
        backend, _, port = self.start(
            "    location / { proxy_set_header X-Seen $remote_addr; proxy_pass http://app; }\n",
            http_extra="  set_real_ip_from 127.0.0.1;")  # X-Real-IP, the default header
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=T(5))
        seen = []
        for headers in ({"X-Real-IP": "192.0.2.10"}, {}, {"X-Real-IP": "192.0.2.11"}):
            connection.request("GET", "/x", headers=headers)
            body = connection.getresponse().read()
            seen.append(dict((k.lower(), v) for k, v in json.loads(body)["headers"])["x-seen"])
        connection.close()
        self.assertEqual(seen, ["192.0.2.10", "127.0.0.1", "192.0.2.11"])


if __name__ == "__main__":
    unittest.main()
