"""events { use epoll | io_uring; }: both methods serve the same traffic, each worker says which
one it runs, and io_uring falls back to epoll when the kernel refuses it."""

import os
import platform
import sys

from harness import (HERE, YokeTestCase, event_method_notice, free_port, http_request,
                     make_config, upstream_block)


class EventMethodTest(YokeTestCase):

    def serve(self, method, wrapper=None):
        demo = self.start_demo("a", "b")
        port = free_port()
        config = make_config(port, "    location / { proxy_pass http://app; }\n",
                             upstreams=upstream_block("app", [demo.address("a"),
                                                              demo.address("b")]),
                             main_extra="events { use %s; }" % method)
        yoke = self.start_yoke(config, port, wrapper=wrapper)
        answers = [http_request(port, "/")[::2] for _ in range(10)]
        self.assertEqual(sorted(set(answers)), [(200, b"a\n"), (200, b"b\n")])
        return yoke

    def test_each_method_serves_and_is_logged(self):
        for method in ("epoll", "io_uring"):
            with self.subTest(method=method):
                yoke = self.serve(method)
                self.assertIn(event_method_notice(method), yoke.error_log)

    def test_io_uring_refused_by_the_kernel_falls_back_to_epoll(self):
        if platform.machine() != "x86_64":
            self.skipTest("deny_io_uring.py knows the x86-64 system call number only")
        wrapper = [sys.executable, os.path.join(HERE, "deny_io_uring.py")]
        log = self.serve("io_uring", wrapper).error_log
        self.assertIn('[error] worker 0: cannot use event method "io_uring" '
                      '(io_uring_queue_init_params: Operation not permitted), '
                      'falling back to epoll', log)
        self.assertNotIn(event_method_notice("io_uring"), log)
