#include "scenario/scaffold.h"

#include <gtest/gtest.h>

#include "common/errors.h"

namespace leakgate {
namespace {

ScaffoldRequest web(std::vector<std::string> argv) {
  ScaffoldRequest r;
  r.argv = std::move(argv);
  r.get_paths = {"orders/7", "/health"};
  r.post_paths = {"/orders"};
  r.post_body = R"({"item": "book"})";
  r.from = "/src/shop";
  r.scenario_dir = "/src/shop/scenarios/orders";
  return r;
}

TEST(Scaffold, AnAspNetAppGetsItsPortItsContentRootAndItsRoundTrip) {
  ScaffoldRequest r = web({"dotnet", "Shop/bin/Release/net10.0/Shop.dll", "--urls",
                           "http://0.0.0.0:5000", "--verbose"});
  r.schema = "/src/shop/schemas/scenario.schema.json";
  const auto m = scaffold_manifest(r);
  EXPECT_EQ(m.at("$schema"), "../../schemas/scenario.schema.json");
  EXPECT_EQ(m.at("expect"), "pass");
  EXPECT_EQ(m.at("launch").at("cwd"), "../../Shop/bin/Release/net10.0");
  EXPECT_EQ(m.at("launch").at("argv"),
            (std::vector<std::string>{"dotnet", "Shop.dll", "--urls", "http://127.0.0.1:${port}",
                                      "--verbose"}));
  EXPECT_EQ(m.at("launch").at("protocol"), false);
  EXPECT_EQ(m.at("ready")[0].at("waitForPort").at("port"), "${port}");
  const auto& trip = m.at("iteration");
  ASSERT_EQ(trip.size(), 3u);
  EXPECT_EQ(trip[0].at("http").at("url"), "http://127.0.0.1:${port}/orders/7");
  EXPECT_FALSE(trip[0].at("http").contains("method"));
  EXPECT_EQ(trip[2].at("http").at("method"), "POST");
  EXPECT_EQ(trip[2].at("http").at("body"), R"({"item": "book"})");
  EXPECT_EQ(trip[2].at("http").at("expectStatus"), "2xx");
  // The warm-up is the round trip, five times over.
  EXPECT_EQ(m.at("warmup")[0].at("repeat").at("times"), 5);
  EXPECT_EQ(m.at("warmup")[0].at("repeat").at("steps"), trip);
  EXPECT_EQ(m.at("iterations"), 20);
}

TEST(Scaffold, AnAppWithoutUrlsGetsThemAndAnAbsoluteProgramStays) {
  const auto m = scaffold_manifest(web({"/opt/shop/shop-server", "--port-file", "x"}));
  EXPECT_EQ(m.at("launch").at("argv"),
            (std::vector<std::string>{"/opt/shop/shop-server", "--port-file", "x", "--urls",
                                      "http://127.0.0.1:${port}"}));
  EXPECT_FALSE(m.at("launch").contains("cwd"));
  EXPECT_FALSE(m.contains("$schema"));
  ScaffoldRequest installed = web({"x"});
  installed.schema = "/usr/share/leakgate/schemas/scenario.schema.json";
  EXPECT_EQ(scaffold_manifest(installed).at("$schema"),
            "/usr/share/leakgate/schemas/scenario.schema.json");
}

TEST(Scaffold, AProtocolAppIsDrivenByItsCommands) {
  ScaffoldRequest r;
  r.argv = {"dotnet", "/abs/App.dll"};
  r.commands = {"open-close"};
  r.iterations = 7;
  r.from = "/src";
  r.scenario_dir = "/src/scenarios/app";
  const auto m = scaffold_manifest(r);
  EXPECT_EQ(m.at("launch").at("cwd"), "/abs");  // absolute as given
  EXPECT_FALSE(m.at("launch").contains("protocol"));
  EXPECT_FALSE(m.contains("ready"));
  EXPECT_EQ(m.at("iteration")[0].at("command"), "open-close");
  EXPECT_EQ(m.at("iterations"), 7);
}

TEST(Scaffold, WithoutARoundTripItSaysWhatToGive) {
  ScaffoldRequest r;
  r.argv = {"dotnet", "App.dll"};
  try {
    scaffold_manifest(r);
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--get PATH or --post PATH"), std::string::npos);
  }
  r.get_paths = {"/"};
  r.commands = {"go"};
  EXPECT_THROW(scaffold_manifest(r), UsageError);
  r.argv.clear();
  EXPECT_THROW(scaffold_manifest(r), UsageError);
}

}  // namespace
}  // namespace leakgate
