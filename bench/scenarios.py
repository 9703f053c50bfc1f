"""The scenarios of bench/compare and the targets of issue 3 (Yoke ÷ peer, lower is better)."""
from collections import namedtuple

# kind: "wrk" (closed loop, CPU µs/req), "openloop" (fixed rate, p99 added over direct),
# "idle" (RSS per idle connection). tls: over the proxies' TLS port (same RSA 2048 certificate
# for every proxy, TLS 1.2 and 1.3 enabled; the clients negotiate TLS 1.3).
Scenario = namedtuple("Scenario", "key title kind connections close path tls", defaults=(False,))

IDLE_CONNECTIONS = 9900  # the hard open-file limit here is 20,000
BODY_BYTES = 16384

SCENARIOS = (
    Scenario("a", "keep-alive, 50 connections, small response", "wrk", 50, False, "/"),
    Scenario("b", "keep-alive, 1000 connections, small response", "wrk", 1000, False, "/"),
    Scenario("c", "new connection per request (Connection: close), 50 connections", "wrk", 50,
             True, "/"),
    Scenario("d", "16 KiB responses, keep-alive, 50 connections", "wrk", 50, False,
             f"/bytes/{BODY_BYTES}"),
    Scenario("e", "fixed rate (open loop) at half of nginx's saturation rate, 50 connections",
             "openloop", 50, False, "/"),
    Scenario("f", f"{IDLE_CONNECTIONS:,} idle keep-alive connections", "idle",
             IDLE_CONNECTIONS, False, "/"),
    Scenario("g", "TLS keep-alive, 50 connections, small response", "wrk", 50, False, "/",
             True),
    # wrk does not resume TLS sessions: every connection is a full handshake.
    Scenario("h", "TLS new connection per request (full handshake), 50 connections", "wrk", 50,
             True, "/", True),
    Scenario("i", f"{IDLE_CONNECTIONS:,} idle TLS keep-alive connections", "idle",
             IDLE_CONNECTIONS, False, "/", True),
)
BY_KEY = {s.key: s for s in SCENARIOS}

# Issue 3's rows in its order: (scenario key or None, row, figure, target vs nginx, vs HAProxy,
# why not measured). Key "profile" comes from bench/profile's results.
TARGETS = (
    ("a", "keep-alive, 50 connections", "CPU µs/req", 0.75, 0.9, None),
    ("b", "keep-alive, 1,000 connections", "CPU µs/req", 0.75, 0.9, None),
    ("c", "new connection per request", "CPU µs/req", 0.9, 1.0, None),
    ("d", "16 KiB responses, keep-alive", "CPU µs/req", 0.8, 0.9, None),
    ("g", "TLS keep-alive", "CPU µs/req", 0.9, 1.0, None),
    ("h", "TLS handshakes", "CPU µs/handshake", 1.0, 1.0, None),
    ("e", "fixed rate at half of nginx's saturation", "p99 added over direct", 0.8, 1.0, None),
    ("f", "9,900 idle keep-alive connections", "RSS bytes/conn", 0.5, 0.8, None),
    ("i", "9,900 idle TLS connections", "RSS bytes/conn", 0.5, 0.5, None),
    ("profile", "keep-alive request, user-space instructions", "instructions/req (callgrind)",
     0.75, 0.5, None),
    (None, "upstream change, 1,000 servers", "Maglev rebuild / config reload", "< 10 ms",
     "< 100 ms", "not in bench/compare: the Maglev build is timed by yoke_micro_bench "
     "(BM_MaglevBuild/1000); Yoke has no config reload yet"),
)


def parse_selection(text):
    """Scenario objects for "a,b,e" (None for an unknown key)."""
    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown or not keys:
        return None
    return [s for s in SCENARIOS if s.key in keys]
