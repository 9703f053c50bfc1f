// Regional upstream selection in the config: region=, region_policy, region_key, region_order,
// region_spill (docs/global.md), and proxy_pass http://$variable.
#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

std::string with_upstream(const std::string& upstream_body, const std::string& policy = "") {
  return "http {\nmap $http_x_region $region { default us; }\nupstream api {\n" + policy +
         upstream_body +
         "\n}\nserver { listen 127.0.0.1:8080; location / { proxy_pass http://api; } }\n}\n";
}

const std::string kServers =
    "server 10.0.0.1 region=eu;\nserver 10.0.0.2 region=us;\nserver 10.0.0.3 region=ap;\n";

TEST(ConfigRegions, Parsed) {
  const Config config = load_config_text(
      with_upstream(kServers + "region_policy nearest;\nregion_key $region;\n"
                               "region_order eu: eu, us, ap;\nregion_order ap:ap,us;\n"
                               "region_order default : us , eu;\n"
                               "region_spill min_healthy_percent=50;"),
      "t.conf");
  const Upstream& api = config.http.upstreams.at(0);
  const balancing::RegionSettings& regions = api.resilience.regions;
  EXPECT_TRUE(regions.enabled);
  EXPECT_EQ(regions.min_healthy_percent, 50);
  ASSERT_EQ(regions.orders.size(), 3U);
  EXPECT_EQ(regions.orders[0].client_region, "eu");
  EXPECT_EQ(regions.orders[0].regions, (std::vector<std::string>{"eu", "us", "ap"}));
  EXPECT_EQ(regions.orders[1].client_region, "ap");
  EXPECT_EQ(regions.orders[1].regions, (std::vector<std::string>{"ap", "us"}));
  EXPECT_EQ(regions.orders[2].client_region, "default");
  EXPECT_EQ(regions.orders[2].regions, (std::vector<std::string>{"us", "eu"}));
  EXPECT_EQ(api.region_key.source, "$region");
  EXPECT_EQ(api.servers[0].region, "eu");
}

TEST(ConfigRegions, Errors) {
  EXPECT_EQ(load_error(with_upstream(kServers + "region_policy nearest;")),
            "t.conf:7:1: \"region_policy nearest\" needs \"region_key\" in upstream \"api\"");
  EXPECT_EQ(load_error(with_upstream(kServers)),
            "t.conf:4:1: parameter \"region=eu\" needs \"region_policy nearest\" in upstream "
            "\"api\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1 region=eu;\nserver 10.0.0.2;\n"
                                     "region_policy nearest;\nregion_key $region;")),
            "t.conf:5:1: server \"10.0.0.2\" has no region=NAME, which \"region_policy nearest\" "
            "needs in upstream \"api\"");
  EXPECT_EQ(
      load_error(with_upstream(kServers + "region_policy nearest;\nregion_key $region;\n"
                                          "region_order eu: eu, sa;")),
      "t.conf:9:1: \"region_order eu:\" names region \"sa\", which no server of upstream \"api\" "
      "has");
  EXPECT_EQ(load_error(with_upstream(kServers + "region_order eu: eu, eu;")),
            "t.conf:7:1: region \"eu\" is listed twice in \"region_order\"");
  EXPECT_EQ(load_error(with_upstream(kServers + "region_order eu us;")),
            "t.conf:7:14: expected \"CLIENT_REGION: REGION, …\" in \"region_order\"");
  EXPECT_EQ(load_error(with_upstream(kServers + "region_policy closest;")),
            "t.conf:7:15: invalid value \"closest\" in \"region_policy\" directive, it must be "
            "\"nearest\" or \"off\"");
  EXPECT_EQ(load_error(with_upstream(kServers + "region_policy nearest;\nregion_key $region;",
                                     "hash $remote_addr;\n")),
            "t.conf:8:1: \"region_policy nearest\" is not supported by balancing policy \"hash\" "
            "(regions are fallbacks)");
  EXPECT_EQ(load_error(with_upstream(kServers + "region_policy nearest;\nregion_key $nope;")),
            "t.conf:8:12: unknown \"nope\" variable");
}

TEST(ConfigProxyPassVariable, ParsedAndChecked) {
  const Config config = load_config_text(
      "http {\nmap $http_x $pool { default api; }\nupstream api { server 10.0.0.1; }\n"
      "server { listen 127.0.0.1:8080; location / { proxy_pass http://$pool; } }\n}\n",
      "t.conf");
  const ProxyPass& pass = config.http.servers.at(0).locations.at(0).proxy_pass.value();
  ASSERT_TRUE(pass.upstream_variable.has_value());
  EXPECT_EQ(pass.upstream_variable->source, "$pool");
  EXPECT_TRUE(pass.upstream.empty());
  EXPECT_EQ(load_error("http {\nserver { listen 127.0.0.1:8080; location / { proxy_pass "
                       "http://$nope; } }\n}\n"),
            "t.conf:2:57: unknown \"nope\" variable");
  EXPECT_EQ(load_error("http {\nmap $http_x $pool { default api; }\n"
                       "server { listen 127.0.0.1:8080; location / { proxy_pass "
                       "http://$pool/v1/; } }\n}\n"),
            "t.conf:3:57: \"proxy_pass\" with variables takes no URI part in "
            "\"http://$pool/v1/\"");
}

std::string with_geoip2(const std::string& body) {
  return "http {\ngeoip2 db/c.mmdb {\n" + body +
         "\n}\nproxy_set_header X-Country $geo_country;\n"
         "server { listen 127.0.0.1:8080; location / { return 200; } }\n}\n";
}

TEST(ConfigGeoIp2, Parsed) {
  const Config config =
      load_config_text(with_geoip2("$geo_country default=ZZ country iso_code;\n"
                                   "$geo_continent source=$http_x_ip continent code;"),
                       "/etc/yoke/t.conf");
  ASSERT_EQ(config.http.geoip2.size(), 1U);
  const GeoIp2& block = config.http.geoip2[0];
  EXPECT_EQ(block.file, "/etc/yoke/db/c.mmdb");  // relative to the file that names it
  ASSERT_EQ(block.variables.size(), 2U);
  EXPECT_EQ(block.variables[0].variable, "geo_country");
  EXPECT_EQ(block.variables[0].path, (std::vector<std::string>{"country", "iso_code"}));
  EXPECT_EQ(block.variables[0].default_value, "ZZ");
  EXPECT_TRUE(block.variables[0].source.empty());
  EXPECT_EQ(block.variables[1].source, "http_x_ip");
  EXPECT_EQ(block.variables[1].path, (std::vector<std::string>{"continent", "code"}));
}

TEST(ConfigGeoIp2, Errors) {
  EXPECT_EQ(load_error(with_geoip2("$geo_country;")),
            "t.conf:3:1: no data path for \"$geo_country\"");
  EXPECT_EQ(load_error(with_geoip2("$geo_country country iso_code;\nauto_reload 5m;")),
            "t.conf:4:1: \"auto_reload\" is not supported: Yoke reopens the database on reload");
  EXPECT_EQ(load_error(with_geoip2("$geo_country metadata build_epoch;")),
            "t.conf:3:14: geoip2 metadata variables are not supported");
  EXPECT_EQ(load_error(with_geoip2("$geo_country source=host country iso_code;")),
            "t.conf:3:21: invalid source variable \"host\", expected \"$name\"");
  EXPECT_EQ(load_error(with_geoip2("$geo_country country iso_code;\ngeo_x country;")),
            "t.conf:4:1: invalid variable name \"geo_x\" in \"geoip2\" block");
  EXPECT_EQ(load_error(with_geoip2("$geo_country country iso_code;\n$geo_country country;")),
            "t.conf:4:1: duplicate variable \"$geo_country\"");
}

}  // namespace
}  // namespace yoke::config
