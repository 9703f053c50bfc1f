"""Connection limits a worker enforces on itself."""

import socket
import time

from harness import T, YokeTestCase, free_port, http_request, make_config, upstream_block


class LimitsTest(YokeTestCase):

    def test_worker_connections_refuses_connections_beyond_the_limit(self):
        demo = self.start_demo("a")
        port = free_port()
        config = make_config(port, "    location / { proxy_pass http://app; }\n",
                             upstreams=upstream_block("app", [demo.address("a")]),
                             main_extra="events { worker_connections 3; }")
        yoke = self.start_yoke(config, port)
        time.sleep(T(0.3))  # the harness's readiness probe connection is closed by now
        held = [socket.create_connection(("127.0.0.1", port), timeout=T(3)) for _ in range(3)]
        self.addCleanup(lambda: [s.close() for s in held])
        time.sleep(T(0.3))  # let the worker accept them
        # Refused connections are reset (SO_LINGER 0), which the client may see as soon as
        # connect() returns, or at the first read.
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=T(3)) as extra:
                extra.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                data = extra.recv(100)
        except (ConnectionResetError, BrokenPipeError):
            data = b""
        self.assertEqual(data, b"", "a connection over worker_connections was served")
        for sock in held:
            sock.close()
        time.sleep(T(0.3))
        status, _, body = http_request(port, "/")
        self.assertEqual((status, body), (200, b"a\n"))
        self.assertIn("worker_connections are not enough", yoke.error_log)
