#!/usr/bin/env python3
"""Runs Yoke's integration tests: real yoke and backend processes on loopback.

    python3 tests/integration/run.py --yoke build/yoke --backend build/yoke-demo-backend \
        [--sanitized] [--events-use epoll|io_uring] [-k PATTERN] [-v] [--keep] [--output DIR]

Discovers tests/integration/test_*.py, prints one line per test and a summary, and exits
non-zero if any test failed or errored.
"""

import argparse
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    parser = argparse.ArgumentParser(description="Yoke integration tests")
    parser.add_argument("--yoke", required=True, help="path to the yoke binary")
    parser.add_argument("--backend", required=True, help="path to yoke-demo-backend")
    parser.add_argument("--sanitized", action="store_true",
                        help="binaries are ASan/UBSan builds: triple every timeout")
    parser.add_argument("--events-use", choices=("epoll", "io_uring"), default="",
                        help="run every Yoke on this event method (events { use ...; })")
    parser.add_argument("-k", dest="patterns", action="append", default=[],
                        help="only tests whose name contains PATTERN (unittest -k rules)")
    parser.add_argument("-v", "--verbose", action="store_true", help="unittest verbosity 2")
    parser.add_argument("--keep", action="store_true", help="keep Yoke's temp dirs")
    parser.add_argument("--output", default="",
                        help="folder for files tests leave (screenshots); default build/test-output")
    return parser.parse_args()


def main():
    args = parse_args()
    for label, path in (("--yoke", args.yoke), ("--backend", args.backend)):
        if not os.access(path, os.X_OK):
            print("run.py: %s %s is not an executable file" % (label, path), file=sys.stderr)
            return 2
    os.environ["YOKE_BIN"] = os.path.abspath(args.yoke)
    os.environ["YOKE_DEMO_BACKEND"] = os.path.abspath(args.backend)
    os.environ["YOKE_SANITIZED"] = "1" if args.sanitized else "0"
    if args.keep:
        os.environ["YOKE_IT_KEEP"] = "1"
    if args.events_use:
        os.environ["YOKE_EVENTS_USE"] = args.events_use
    if args.output:
        os.environ["YOKE_IT_OUTPUT"] = os.path.abspath(args.output)
    sys.path.insert(0, HERE)

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [p if "*" in p else "*%s*" % p for p in args.patterns]
    suite = loader.discover(start_dir=HERE, pattern="test_*.py", top_level_dir=HERE)
    started = time.monotonic()
    result = unittest.TextTestRunner(verbosity=2 if args.verbose else 1, stream=sys.stdout,
                                     buffer=False).run(suite)
    elapsed = time.monotonic() - started

    failed = [test.id() for test, _ in result.failures + result.errors]
    print("\nintegration%s: %d run, %d failed, %d errors, %d skipped in %.1fs" %
          (" (events use %s)" % args.events_use if args.events_use else "", result.testsRun,
           len(result.failures), len(result.errors), len(result.skipped), elapsed))
    for name in failed:
        print("  FAILED " + name)
    return 0 if result.wasSuccessful() and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
