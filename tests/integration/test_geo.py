"""Geolocation in the proxy (docs/global.md): a geoip2 database written by the test itself
(make_test_mmdb.pl, Debian's libmaxmind-db-writer-perl: never a downloaded one), a map from
continent to region, an upstream with `region_policy nearest`, and the client's real address
taken from X-Forwarded-For sent by a trusted 127.0.0.1. DE clients go to eu, JP to ap, unknown
addresses to us; when every eu backend dies, DE traffic moves to the next region of eu's order
with no failed request, and comes back when they return. Also proxy_pass http://$variable,
a reload that reopens a replaced database, and a broken database as a config error."""

import os
import subprocess
import tempfile
import time

from harness import T, HttpSession, YokeTestCase, free_port, make_config, run_yoke_cli
from steady_load import SteadyLoad

HERE = os.path.dirname(os.path.abspath(__file__))
RANGES = ["198.51.100.0/24=DE:EU", "203.0.113.0/24=JP:AS", "2001:db8:1::/48=DE:EU",
          "2001:db8:2::/48=JP:AS"]
DE, JP, UNKNOWN = "198.51.100.7", "203.0.113.9", "192.0.2.1"
CHECK = "health_check interval=100ms fails=1 passes=1 timeout=500ms;"


def write_mmdb(path, ranges):
    """Writes the database beside path and renames it over path, as geoipupdate replaces one
    (a running Yoke keeps the old file mapped until it reloads)."""
    subprocess.run(["perl", os.path.join(HERE, "make_test_mmdb.pl"), path + ".new"] + ranges,
                   check=True, timeout=T(30))
    os.replace(path + ".new", path)


def geo_http(mmdb):
    return """  set_real_ip_from 127.0.0.1;
  real_ip_header X-Forwarded-For;
  geoip2 %s {
    $geo_country default=ZZ country iso_code;
    $geo_continent continent code;
  }
  map $geo_continent $region { EU eu; AS ap; default us; }
  map $region $pool { eu eu_pool; ap ap_pool; default missing; }
""" % mmdb


class GeoTest(YokeTestCase):

    TEST_TIMEOUT = 120

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="yoke-geo-")
        self.mmdb = os.path.join(self.dir, "test.mmdb")
        write_mmdb(self.mmdb, RANGES)

    def start_proxy(self, eu, rest, extra_locations=""):
        port = free_port()
        # fail_timeout=1s: a server that refused a connection is passed over for 1 s (nginx's
        # passive health, 10 s by default), so the way back is quick once checks pass again.
        servers = "".join("    server %s region=%s fail_timeout=1s;\n"
                          % (group.address(name), name[:2])
                          for group, names in ((eu, ("eu1", "eu2")), (rest, ("us1", "ap1")))
                          for name in names)
        upstreams = ("  upstream api {\n%s    region_policy nearest;\n    region_key $region;\n"
                     "    region_order eu: eu, us, ap;\n    region_order ap: ap, us;\n"
                     "    region_order default: us, eu;\n    %s\n  }\n" % (servers, CHECK))
        upstreams += "  upstream eu_pool { server %s; }\n" % eu.address("eu1")
        upstreams += "  upstream ap_pool { server %s; }\n" % rest.address("ap1")
        locations = ("    location / { proxy_pass http://api; }\n"
                     "    location /dyn/ { proxy_pass http://$pool; }\n" + extra_locations)
        config = make_config(port, locations, upstreams=upstreams, http_extra=geo_http(self.mmdb))
        return self.start_yoke(config, port), port

    def spread(self, port, client, count, path="/geo"):
        counts = {}
        session = HttpSession(port, timeout=T(5))
        for i in range(count):
            status, headers, _ = session.request("%s/%d" % (path, i),
                                                 headers={"X-Forwarded-For": client})
            key = headers.get("X-Backend") if status == 200 else status
            counts[key] = counts.get(key, 0) + 1
        session.close()
        return counts

    def test_clients_go_to_their_region(self):
        eu = self.start_demo("eu1", "eu2")
        rest = self.start_demo("us1", "ap1")
        _, port = self.start_proxy(eu, rest)
        time.sleep(T(0.5))
        self.assertEqual(set(self.spread(port, DE, 40)), {"eu1", "eu2"})
        self.assertEqual(self.spread(port, JP, 20), {"ap1": 20})
        self.assertEqual(self.spread(port, UNKNOWN, 20), {"us1": 20})
        self.assertEqual(set(self.spread(port, "2001:db8:1::5", 20)), {"eu1", "eu2"})
        self.assertEqual(self.spread(port, "2001:db8:2::5", 20), {"ap1": 20})
        # Without a trusted X-Forwarded-For the client is 127.0.0.1: unknown, so us.
        session = HttpSession(port, timeout=T(5))
        status, headers, _ = session.request("/plain")
        session.close()
        self.assertEqual((status, headers.get("X-Backend")), (200, "us1"))

    def test_whole_region_lost_moves_de_traffic_with_no_failure_and_back(self):
        eu = self.start_demo("eu1", "eu2")
        rest = self.start_demo("us1", "ap1")
        _, port = self.start_proxy(eu, rest)
        time.sleep(T(0.5))
        ports = dict(eu.ports)
        load = SteadyLoad(port, clients=3, pause=0.005, headers={"X-Forwarded-For": DE})
        try:
            time.sleep(T(1))
            lost = load.now()
            eu.kill()  # both eu backends gone at once: connections refused, checks fail
            time.sleep(T(2))
            back = load.now()
            self.start_demo("eu1", "eu2", ports=ports)
            deadline = time.monotonic() + T(10)
            while time.monotonic() < deadline and load.first_answer_from("eu1", back) is None:
                time.sleep(0.05)
            time.sleep(T(1))
        finally:
            load.stop()
        self.assertEqual(load.failures(), [])
        before = load.counts(0, lost)
        self.assertEqual(set(before), {"eu1", "eu2"}, before)
        # Once the checks noticed (fails=1 at 100 ms), everything goes to us, nothing to ap.
        during = load.counts(lost + T(0.8), back)
        self.assertEqual(set(during), {"us1"}, during)
        after = load.counts(load.now() - T(0.5))
        self.assertEqual(set(after), {"eu1", "eu2"}, after)

    def test_proxy_pass_variable_names_the_upstream(self):
        eu = self.start_demo("eu1", "eu2")
        rest = self.start_demo("us1", "ap1")
        yoke, port = self.start_proxy(eu, rest)
        self.assertEqual(self.spread(port, DE, 10, "/dyn"), {"eu1": 10})
        self.assertEqual(self.spread(port, JP, 10, "/dyn"), {"ap1": 10})
        # $pool is "missing" for us clients: no such upstream, 502 and a log line naming it.
        self.assertEqual(self.spread(port, UNKNOWN, 3, "/dyn"), {502: 3})
        self.assertIn('no upstream "missing" for proxy_pass $pool, client: 192.0.2.1',
                      yoke.error_log)

    def test_reload_reopens_a_replaced_database(self):
        eu = self.start_demo("eu1", "eu2")
        rest = self.start_demo("us1", "ap1")
        yoke, port = self.start_proxy(eu, rest)
        self.assertEqual(self.spread(port, DE, 10, "/dyn"), {"eu1": 10})
        # 198.51.100.0/24 moves to Japan in the new file; the running snapshot keeps the old one.
        write_mmdb(self.mmdb, ["198.51.100.0/24=JP:AS"])
        self.assertEqual(self.spread(port, DE, 10, "/dyn"), {"eu1": 10})
        log_size = len(yoke.error_log)
        yoke.signal(1)  # SIGHUP
        deadline = time.monotonic() + T(10)
        while time.monotonic() < deadline and \
                "configuration reloaded" not in yoke.error_log[log_size:]:
            time.sleep(0.02)
        self.assertIn("configuration reloaded", yoke.error_log[log_size:])
        self.assertEqual(self.spread(port, DE, 10, "/dyn"), {"ap1": 10})

    def test_broken_database_is_a_config_error(self):
        broken = os.path.join(self.dir, "broken.mmdb")
        with open(broken, "wb") as f:
            f.write(b"not a maxmind database" * 10)
        path = os.path.join(self.dir, "yoke.conf")
        for database, reason in ((broken, "invalid metadata"),
                                 (os.path.join(self.dir, "none.mmdb"),
                                  "Error opening the specified MaxMind DB file: No such file")):
            with open(path, "w") as f:
                f.write(make_config(free_port(), "    location / { return 200; }\n",
                                    http_extra=geo_http(database)).replace("@ERRLOG@", "stderr"))
            result = run_yoke_cli(["-t", "-c", path])
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn('%s:7:3: cannot open geoip2 database "%s": ' % (path, database),
                          result.stderr)
            self.assertIn(reason, result.stderr)
