#!/usr/bin/env python3
"""Runs Yoke's end-to-end tests: several "hosts" (network namespaces on a bridge), real yoke,
yoke-demo-backend and keepalived processes. Needs root (ip netns) and keepalived.

    python3 tests/e2e/run.py --yoke build/yoke --backend build/yoke-demo-backend [-k PATTERN] [-v]

Discovers tests/e2e/test_*.py, prints a summary, exits non-zero if a test failed. Before the
tests it deletes namespaces left by an earlier run that was killed (netlab.clean_stale).
"""

import argparse
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    parser = argparse.ArgumentParser(description="Yoke end-to-end tests (network namespaces)")
    parser.add_argument("--yoke", required=True, help="path to the yoke binary")
    parser.add_argument("--backend", required=True, help="path to yoke-demo-backend")
    parser.add_argument("-k", dest="patterns", action="append", default=[],
                        help="only tests whose name contains PATTERN (unittest -k rules)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="unittest verbosity 2, and print each test's measured figures")
    parser.add_argument("--keep", action="store_true", help="keep each lab's temp dir")
    return parser.parse_args()


def main():
    args = parse_args()
    for label, path in (("--yoke", args.yoke), ("--backend", args.backend)):
        if not os.access(path, os.X_OK):
            print("run.py: %s %s is not an executable file" % (label, path), file=sys.stderr)
            return 2
    if os.geteuid() != 0:
        print("run.py: the e2e tests need root (ip netns)", file=sys.stderr)
        return 2
    os.environ["YOKE_BIN"] = os.path.abspath(args.yoke)
    os.environ["YOKE_DEMO_BACKEND"] = os.path.abspath(args.backend)
    if args.verbose:
        os.environ["YOKE_E2E_VERBOSE"] = "1"
    if args.keep:
        os.environ["YOKE_E2E_KEEP"] = "1"
    sys.path.insert(0, HERE)
    import netlab  # noqa: E402  (after the path tweak)
    stale = netlab.clean_stale()
    if stale:
        print("e2e: removed %d namespaces of an earlier run: %s" % (len(stale), " ".join(stale)))

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [p if "*" in p else "*%s*" % p for p in args.patterns]
    suite = loader.discover(start_dir=HERE, pattern="test_*.py", top_level_dir=HERE)
    started = time.monotonic()
    result = unittest.TextTestRunner(verbosity=2 if args.verbose else 1, stream=sys.stdout,
                                     buffer=False).run(suite)
    elapsed = time.monotonic() - started
    print("\ne2e: %d run, %d failed, %d errors, %d skipped in %.1fs" %
          (result.testsRun, len(result.failures), len(result.errors), len(result.skipped),
           elapsed))
    for test, _ in result.failures + result.errors:
        print("  FAILED " + test.id())
    left = [ns for ns in netlab.namespaces() if ns.startswith("%s%d-" % (netlab.PREFIX,
                                                                         os.getpid()))]
    if left:
        print("e2e: namespaces left behind: %s" % " ".join(left))
        return 1
    return 0 if result.wasSuccessful() and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
