"""Upstream keep-alive pool edge: a pooled connection the server has given up on."""

import socket
import threading

from harness import YokeTestCase, free_port, http_request, make_config, upstream_block


class OneRequestPerConnectionBackend:
    """Answers the first request of each connection with keep-alive, then closes the connection
    without answering when a second request arrives on it: what a server does when its own
    keep-alive timeout fires just as the proxy reuses the connection."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.answered = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection):
        with connection:
            connection.settimeout(10)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    piece = connection.recv(65536)
                    if not piece:
                        return
                    data += piece
                self.answered += 1
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
                connection.recv(65536)  # the reused request: close without an answer
            except OSError:
                return

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class UpstreamPoolTest(YokeTestCase):

    def test_request_meeting_a_stale_pooled_connection_is_retried_on_a_fresh_one(self):
        backend = OneRequestPerConnectionBackend()
        self.addCleanup(backend.close)
        port = free_port()
        # proxy_next_upstream off: only the stale-connection rule may retry here.
        config = make_config(port, "    location / { proxy_pass http://app; "
                                   "proxy_next_upstream off; }\n",
                             upstreams=upstream_block("app", ["127.0.0.1:%d" % backend.port],
                                                      "keepalive 4;"))
        yoke = self.start_yoke(config, port)
        for i in range(6):
            status, _, body = http_request(port, "/r%d" % i)
            self.assertEqual((status, body), (200, b"ok\n"), "request %d" % i)
        self.assertEqual(backend.answered, 6)
        self.assertGreaterEqual(backend.connections, 6)
        self.assertIn("upstream prematurely closed connection", yoke.error_log)
