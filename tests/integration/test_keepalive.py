"""Client keep-alive: per-connection facts survive the session hand-back between requests.

Between requests an idle connection keeps no session (src/proxy/client_connection.h); the next
request on it may be served by a session that last served another client. These tests
interleave many connections so that sessions move between them, and check what a client can
see: its own address and port, its own request count, its own keep-alive timer.
"""

import socket
import time

from harness import (RawClient, T, YokeTestCase, build_request, free_port, make_config,
                     upstream_block)


class KeepAliveTest(YokeTestCase):

    def start_proxy(self, http_extra="", location_extra=""):
        self.backend = self.start_py_backend("py")
        port = free_port()
        locations = ("    location / { proxy_pass http://app; "
                     "proxy_set_header X-Client-Port $remote_port; %s }\n" % location_extra)
        config = make_config(port, locations, http_extra=http_extra,
                             upstreams=upstream_block("app", [self.backend.address]))
        self.yoke = self.start_yoke(config, port)
        return port

    def get(self, client, path):
        client.send(build_request("GET", path))
        response = client.read_response()
        self.assertEqual(response.status, 200, "%s: %r%s" % (path, response,
                                                             self.yoke.diagnostics()))
        return response

    def test_interleaved_connections_each_keep_their_own_peer_port(self):
        port = self.start_proxy()
        clients = [RawClient(port) for _ in range(40)]
        try:
            for round_number in range(3):
                # Reverse order every other round, so a session rarely returns to its last client.
                order = clients if round_number % 2 == 0 else list(reversed(clients))
                for index, client in enumerate(order):
                    self.get(client, "/r%d-%d" % (round_number, index))
                    seen = self.backend.last_record().header("X-Client-Port")
                    self.assertEqual(seen, str(client.sock.getsockname()[1]))
        finally:
            for client in clients:
                client.close()

    def test_keepalive_requests_counts_per_connection_across_interleaving(self):
        port = self.start_proxy(http_extra="keepalive_requests 3;")
        first, second = RawClient(port), RawClient(port)
        try:
            for i in range(2):
                for client in (first, second):
                    response = self.get(client, "/n%d" % i)
                    self.assertNotEqual((response.header("Connection") or "").lower(), "close")
            for client in (first, second):
                response = self.get(client, "/last")
                self.assertEqual((response.header("Connection") or "").lower(), "close")
                self.assertEqual(client.sock.recv(1), b"", "closed after the third request")
        finally:
            first.close()
            second.close()

    def test_idle_connection_closes_after_keepalive_timeout(self):
        port = self.start_proxy(http_extra="keepalive_timeout 1s;")
        with RawClient(port, timeout=T(10)) as client:
            self.get(client, "/once")
            started = time.monotonic()
            client.sock.settimeout(T(10))
            self.assertEqual(client.sock.recv(1), b"")
            waited = time.monotonic() - started
            self.assertGreater(waited, 0.8)
            self.assertLess(waited, T(5))

    def test_busy_neighbours_do_not_extend_an_idle_connections_timeout(self):
        port = self.start_proxy(http_extra="keepalive_timeout 1s;")
        with RawClient(port, timeout=T(10)) as idle, RawClient(port) as busy:
            self.get(idle, "/first")
            started = time.monotonic()
            idle.sock.setblocking(False)
            closed = False
            while time.monotonic() - started < T(5) and not closed:
                self.get(busy, "/tick")
                try:
                    closed = idle.sock.recv(1) == b""
                except BlockingIOError:
                    time.sleep(0.05)
            self.assertTrue(closed, "idle connection still open after %.1fs" %
                            (time.monotonic() - started))

    def test_keepalive_connection_survives_a_half_sent_head_on_another(self):
        port = self.start_proxy()
        with RawClient(port) as slow, RawClient(port) as fast:
            self.get(slow, "/before")
            slow.send(b"GET /split HTTP/1.1\r\nHost: te")
            for i in range(5):
                self.get(fast, "/f%d" % i)
            slow.send(b"st\r\n\r\n")
            response = slow.read_response()
            self.assertEqual(response.status, 200)
            self.assertEqual(self.backend.last_record().target, "/split")

    def test_half_close_is_noticed_at_once(self):
        # A FIN may arrive in the same read as the bytes before it; read_client() skips the
        # EAGAIN read after a short read only while no hang-up was seen, so the EOF is not lost
        # and the connection does not linger until keepalive_timeout (75 s here).
        port = self.start_proxy()
        with RawClient(port, timeout=T(5)) as client:
            self.get(client, "/first")
            client.sock.shutdown(socket.SHUT_WR)
            self.assertEqual(client.sock.recv(1), b"", "closed after the client's FIN")
        with RawClient(port, timeout=T(5)) as client:
            # Like nginx (499, "client prematurely closed connection"), a client that hangs up
            # before its response counts as gone: the connection closes, it does not hang.
            client.send(build_request("GET", "/then-fin"))
            client.sock.shutdown(socket.SHUT_WR)
            try:
                while client.sock.recv(65536):
                    pass
            except ConnectionResetError:
                pass

    def test_client_closing_while_idle_is_cleaned_up(self):
        port = self.start_proxy()
        for i in range(20):
            client = RawClient(port)
            self.get(client, "/c%d" % i)
            client.sock.shutdown(socket.SHUT_RDWR)
            client.close()
        with RawClient(port) as client:
            self.get(client, "/after")


if __name__ == "__main__":
    import unittest
    unittest.main()
