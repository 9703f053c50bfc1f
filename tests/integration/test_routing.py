"""Routing: exact-match `return` locations and proxy_pass URI replacement."""

import json

from harness import YokeTestCase, build_request, free_port, make_config, upstream_block


class RoutingTest(YokeTestCase):

    def start_proxy(self, address, locations):
        port = free_port()
        config = make_config(port, locations, upstreams=upstream_block("app", [address]))
        self.yoke = self.start_yoke(config, port)
        return port

    def test_return_directive_answers_without_backend(self):
        backend = self.start_py_backend()
        locations = ("    location / { proxy_pass http://app; }\n"
                     "    location = /hello { return 200 \"hi\"; }\n")
        port = self.start_proxy(backend.address, locations)
        client = self.raw_client(port)
        client.send(build_request("GET", "/hello"))
        response = client.read_response()
        self.assertEqual((response.status, response.body), (200, b"hi"))
        self.assertEqual(backend.counts()["requests"], 0)
        client.send(build_request("GET", "/hello/more"))  # not the exact match: proxied
        self.assertEqual(json.loads(client.read_response().body)["path"], "/hello/more")

    def test_proxy_pass_uri_replaces_location_prefix(self):
        backend = self.start_py_backend()
        locations = ("    location /api/ { proxy_pass http://app/v2/; }\n"
                     "    location / { proxy_pass http://app; }\n")
        port = self.start_proxy(backend.address, locations)
        client = self.raw_client(port)
        for sent, expected in (("/api/x", "/v2/x"), ("/api/a/b?q=1&r=2", "/v2/a/b?q=1&r=2"),
                               ("/api/", "/v2/"), ("/other/x", "/other/x")):
            client.send(build_request("GET", sent))
            response = client.read_response()
            self.assertEqual(response.status, 200, sent)
            self.assertEqual(json.loads(response.body)["target"], expected, sent)
