// End-to-end tests of manifest authoring: variables bound per round trip, repeats, sleeps,
// accepted statuses and bodies, on the real WebApp (an ASP.NET service that knows nothing of
// leakgate), and `leakgate check`.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include "e2e/e2e_support.h"

namespace leakgate::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A CRUD API that refuses an id it holds (409): driven with a new id per round trip, warmed up
// with 100 reads by one repeat step.
std::string items_manifest(const std::string& put_id) {
  return R"({
  "expect": "pass",
  "launch": {
    "argv": ["dotnet", ")" +
         app_dll("WebApp").string() + R"(", "--urls", "http://127.0.0.1:${port}",
             "--variant", "items"],
    "protocol": false
  },
  "ready": [{"waitForPort": {"port": "${port}"}, "timeoutSeconds": 60}],
  "warmup": [
    {"repeat": {"times": 100, "steps": [
      {"http": {"url": "http://127.0.0.1:${port}/orders/${i}", "expectBody": "\"id\":${i},"}}
    ]}}
  ],
  "iteration": [
    {"http": {"method": "PUT", "url": "http://127.0.0.1:${port}/items/)" +
         put_id + R"(", "expectStatus": 201}},
    {"http": {"method": "PUT", "url": "http://127.0.0.1:${port}/items/)" +
         put_id + R"(", "expectStatus": [409]}},
    {"http": {"url": "http://127.0.0.1:${port}/items/)" +
         put_id + R"(", "expectStatus": "2xx",
              "expectBody": "\"name\":\"item )" +
         put_id + R"(\""}},
    {"sleep": {"seconds": 0.01}},
    {"http": {"method": "DELETE", "url": "http://127.0.0.1:${port}/items/)" +
         put_id + R"(", "expectStatus": "200-204"}}
  ],
  "iterations": 6
}
)";
}

std::vector<std::string> check_args(const Workspace& ws) {
  return {"check", "--scenarios-dir", ws.scenarios().string(), "--baselines-dir",
          ws.baselines().string()};
}

TEST(Authoring, AWebAppIsDrivenWithAnIdPerRoundTripAndARepeatedWarmup) {
  Workspace ws;
  const std::string manifest = items_manifest("${iteration}");
  EXPECT_LT(std::count(manifest.begin(), manifest.end(), '\n'), 40);
  ws.write("scenarios/web-items/scenario.json", manifest);
  const ToolRun check = ws.leakgate(check_args(ws));
  EXPECT_EQ(check.status.value, 0) << output_of(check);
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  EXPECT_EQ(run.status.value, 0) << output_of(run);
  const std::string log = read(ws.reports() / "web-items" / "protocol.log");
  // Every step is in the log with its outcome: the 100 reads of the warm-up (ids 0 to 99), then
  // the ids of the round trips, 1 to 6, each created, refused once, read and deleted.
  for (const std::string id : {"0", "57", "99"}) {
    EXPECT_TRUE(std::regex_search(log, std::regex("= http GET http://127\\.0\\.0\\.1:\\d+/orders/" +
                                                  id + ": status 200 \\(")))
        << id;
  }
  EXPECT_FALSE(std::regex_search(log, std::regex("/orders/100:")));
  for (int i = 1; i <= 6; ++i) {
    const std::string items = "http://127\\.0\\.0\\.1:\\d+/items/" + std::to_string(i);
    EXPECT_TRUE(std::regex_search(log, std::regex("= http PUT " + items + ": status 201 ")))
        << i << "\n"
        << log.substr(0, 4000);
    EXPECT_TRUE(std::regex_search(log, std::regex("= http PUT " + items + ": status 409 ")));
    EXPECT_TRUE(std::regex_search(log, std::regex("= http DELETE " + items + ": status 204 ")));
  }
  EXPECT_TRUE(std::regex_search(log, std::regex("= sleep 0\\.01 s: slept ")));
  // And every settle reading of every checkpoint (an app without the protocol: induced GCs).
  EXPECT_TRUE(std::regex_search(
      log, std::regex("= settle round 1 \\(induced full GC\\): .*resident KB \\d+")))
      << log.substr(0, 4000);
  EXPECT_TRUE(ws.leftovers().empty());
}

TEST(Authoring, TheSameIdEveryRoundTripIsRefusedByTheAppAndTheStepSaysSo) {
  Workspace ws;
  // Created in the first round trip and never deleted: the second one's PUT is refused.
  std::string manifest = items_manifest("${iteration}");
  const auto from = manifest.find("    {\"http\": {\"method\": \"PUT\"");
  manifest.replace(from, manifest.find("  ],\n  \"iterations\"") - from,
                   "    {\"http\": {\"method\": \"PUT\", \"url\": "
                   "\"http://127.0.0.1:${port}/items/1\", \"expectStatus\": 201}}\n");
  ws.write("scenarios/web-items/scenario.json", manifest);
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  EXPECT_EQ(run.status.value, 3) << output_of(run);
  const std::string error = find_scenario(ws.report(), "web-items")->at("error").get<std::string>();
  EXPECT_NE(error.find("step http PUT http://127.0.0.1:"), std::string::npos) << error;
  EXPECT_NE(error.find("/items/1: status 409, expected 201"), std::string::npos) << error;
  EXPECT_NE(error.find("exists"), std::string::npos) << error;  // the body the app answered
}

TEST(Authoring, CheckPrintsEveryProblemAndExitsTwo) {
  Workspace ws;
  ws.add_forms_scenario("forms", "correct", "pass", 5);
  ws.write("scenarios/bad-variable/scenario.json",
           R"({"expect": "pass", "launch": {"argv": ["x"], "protocol": false},
               "iteration": [{"http": {"url": "http://127.0.0.1:1/${iterations}"}}],
               "iterations": 1})");
  ws.write("scenarios/bad-status/scenario.json",
           R"({"expect": "pass", "launch": {"argv": ["x"], "protocol": false},
               "iteration": [{"http": {"url": "http://127.0.0.1:1/", "expectStatus": "2xy"}}],
               "iterations": 1})");
  ws.write("baselines/forms.json", "{\"scenario\": \"forms\",");
  ws.write("baselines/known-leaks.json", "[{\"scenario\": \"forms\"}]");
  const ToolRun check = ws.leakgate(check_args(ws));
  EXPECT_EQ(check.status.value, 2) << output_of(check);
  const std::string out = output_of(check);
  for (const char* expected :
       {"bad-variable/scenario.json: /iteration/0/http/url: unknown variable ${iterations}",
        "bad-status/scenario.json: /iteration/0/http/expectStatus: \"2xy\" is not a status",
        "baselines/forms.json", "known-leaks.json", "4 problem(s)"}) {
    EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
  }
  EXPECT_FALSE(fs::exists(ws.reports() / "report.json"));  // nothing was run
}

TEST(Authoring, InitWritesAManifestForTheWebAppThatChecksAndRunsAndNeverOverwrites) {
  Workspace ws;
  const std::vector<std::string> init = {"init",
                                         "web",
                                         "--get",
                                         "/orders/1",
                                         "--get",
                                         "/health",
                                         "--iterations",
                                         "4",
                                         "--scenarios-dir",
                                         ws.scenarios().string(),
                                         "--baselines-dir",
                                         ws.baselines().string(),
                                         "--report-dir",
                                         ws.reports().string(),
                                         "--",
                                         "dotnet",
                                         app_dll("WebApp").string(),
                                         "--variant",
                                         "correct"};
  const ToolRun made = ws.leakgate(init);
  EXPECT_EQ(made.status.value, 0) << output_of(made);
  const fs::path file = ws.scenarios() / "web" / "scenario.json";
  EXPECT_NE(made.out.find("wrote " + file.string()), std::string::npos) << made.out;
  EXPECT_NE(made.out.find("leakgate baseline update --scenario web"), std::string::npos)
      << made.out;
  const json manifest = json::parse(read(file));
  EXPECT_EQ(manifest.at("launch").at("cwd"), app_dll("WebApp").parent_path().string());
  EXPECT_EQ(manifest.at("launch").at("argv"), (json{"dotnet", "WebApp.dll", "--variant", "correct",
                                                    "--urls", "http://127.0.0.1:${port}"}));
  // The check run passed and left its report.
  EXPECT_EQ(find_scenario(ws.report(), "web")->at("verdict"), "pass");
  const ToolRun check = ws.leakgate(check_args(ws));
  EXPECT_EQ(check.status.value, 0) << output_of(check);

  const std::string before = read(file);
  const ToolRun again = ws.leakgate(init);
  EXPECT_EQ(again.status.value, 2) << output_of(again);
  EXPECT_NE(again.err.find("init never overwrites a scenario"), std::string::npos) << again.err;
  EXPECT_EQ(read(file), before);

  const ToolRun nothing = ws.leakgate(
      {"init", "other", "--scenarios-dir", ws.scenarios().string(), "--", "dotnet", "x.dll"});
  EXPECT_EQ(nothing.status.value, 2) << output_of(nothing);
  EXPECT_NE(nothing.err.find("--get PATH or --post PATH"), std::string::npos) << nothing.err;
  EXPECT_FALSE(fs::exists(ws.scenarios() / "other"));
  EXPECT_TRUE(ws.leftovers().empty());
}

}  // namespace
}  // namespace leakgate::e2e
