#include "scenario/manifest.h"

#include <gtest/gtest.h>

#include <set>

#include "common/errors.h"
#include "scenario/step_vars.h"
#include "unit/test_support.h"

namespace leakgate {
namespace {

const char* kValid = R"({
  "description": "demo",
  "expect": "leak",
  "launch": { "argv": ["dotnet", "app.dll"], "cwd": "bin", "env": { "A": "1" } },
  "timeouts": { "startSeconds": 5, "commandSeconds": 2 },
  "warmup": [ { "command": "open-close", "args": ["5"] } ],
  "iteration": [ { "command": "open-close", "args": ["1"], "timeoutSeconds": 9 } ],
  "iterations": 20,
  "verdict": { "minGrowthPerIteration": 0.5 }
})";

class ManifestTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& text) {
    auto dir = scratch_.path() / "demo";
    test::write_file(dir / "scenario.json", text);
    std::filesystem::create_directories(dir / "bin");  // the launch.cwd of kValid
    return dir;
  }

  // The message of the InputError that loading `text` raises.
  std::string error_of(const std::string& text) {
    try {
      load_manifest(write(text));
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no InputError for: " << text;
    return "";
  }

  test::ScratchDir scratch_;
};

TEST_F(ManifestTest, LoadsEveryField) {
  const Manifest m = load_manifest(write(kValid));
  EXPECT_EQ(m.name, "demo");
  EXPECT_EQ(m.expect, Expectation::kLeak);
  EXPECT_EQ(m.argv, (std::vector<std::string>{"dotnet", "app.dll"}));
  EXPECT_EQ(m.cwd, scratch_.path() / "demo" / "bin");
  EXPECT_EQ(m.env.at("A"), "1");
  EXPECT_DOUBLE_EQ(m.timeouts.start_seconds, 5);
  EXPECT_DOUBLE_EQ(m.timeouts.command_seconds, 2);
  EXPECT_DOUBLE_EQ(m.timeouts.settle_seconds, Timeouts{}.settle_seconds);
  ASSERT_EQ(m.warmup.size(), 1u);
  EXPECT_EQ(m.warmup[0].args, std::vector<std::string>{"5"});
  ASSERT_EQ(m.iteration.size(), 1u);
  EXPECT_EQ(m.iteration[0].timeout_seconds, 9);
  EXPECT_EQ(m.iterations, 20);
  EXPECT_DOUBLE_EQ(m.verdict.min_growth_per_iteration, 0.5);
}

TEST_F(ManifestTest, UnknownFieldIsNamedWithItsPath) {
  std::string text = kValid;
  text.replace(text.find("\"iterations\""), 12, "\"iteratons\"");
  const std::string message = error_of(text);
  EXPECT_NE(message.find("scenario.json"), std::string::npos) << message;
  EXPECT_NE(message.find("/iterations"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown field \"iteratons\""), std::string::npos) << message;
}

TEST_F(ManifestTest, UnknownOptionalFieldIsNamedWithItsPath) {
  std::string text = kValid;
  text.replace(text.find("\"description\""), 13, "\"descripton\"");
  const std::string message = error_of(text);
  EXPECT_NE(message.find("/descripton: unknown field"), std::string::npos) << message;
}

TEST_F(ManifestTest, NestedUnknownFieldIsNamed) {
  std::string text = kValid;
  text.replace(text.find("\"timeoutSeconds\""), 16, "\"timeout\"");
  EXPECT_NE(error_of(text).find("/iteration/0/timeout"), std::string::npos);
}

TEST_F(ManifestTest, MistypedFieldIsNamed) {
  std::string text = kValid;
  text.replace(text.find("20"), 2, "\"20\"");
  const std::string message = error_of(text);
  EXPECT_NE(message.find("/iterations: expected an integer, got a string"), std::string::npos)
      << message;
}

TEST_F(ManifestTest, RejectsBadValues) {
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = kValid;
    text.replace(text.find(from), from.size(), to);
    return error_of(text);
  };
  EXPECT_NE(with("\"expect\": \"leak\"", "\"expect\": \"maybe\"").find("/expect"),
            std::string::npos);
  EXPECT_NE(with("[\"dotnet\", \"app.dll\"]", "[]").find("/launch/argv: must not be empty"),
            std::string::npos);
  EXPECT_NE(with("\"iterations\": 20", "\"iterations\": 0").find("/iterations"), std::string::npos);
  EXPECT_NE(with("\"args\": [\"1\"]", "\"args\": [\"a b\"]").find("/iteration/0/args"),
            std::string::npos);
  EXPECT_NE(with("\"startSeconds\": 5", "\"startSeconds\": -1").find("/timeouts/startSeconds"),
            std::string::npos);
}

TEST_F(ManifestTest, MeasureNamesTheLaunchedProcessOrTheHellos) {
  EXPECT_FALSE(load_manifest(write(kValid)).measure_hello);
  std::string hello = kValid;
  const std::string argv = R"("argv": ["dotnet", "app.dll"],)";
  hello.replace(hello.find(argv), argv.size(), argv + R"( "measure": "hello",)");
  EXPECT_TRUE(load_manifest(write(hello)).measure_hello);

  std::string bad = hello;
  bad.replace(bad.find("\"hello\""), 7, "\"parent\"");
  EXPECT_NE(error_of(bad).find("/launch/measure: must be \"launched\" or \"hello\""),
            std::string::npos);
  // Without the protocol there is no hello to name a process.
  std::string silent = hello;
  silent.replace(silent.find(argv), argv.size(), argv + R"( "protocol": false,)");
  silent.replace(silent.find(R"("warmup": [ { "command": "open-close", "args": ["5"] } ],)"),
                 std::string(R"("warmup": [ { "command": "open-close", "args": ["5"] } ],)").size(),
                 "");
  silent.replace(
      silent.find(R"({ "command": "open-close", "args": ["1"], "timeoutSeconds": 9 })"),
      std::string(R"({ "command": "open-close", "args": ["1"], "timeoutSeconds": 9 })").size(),
      R"({ "sleep": { "seconds": 0.01 } })");
  EXPECT_NE(error_of(silent).find("/launch/measure"), std::string::npos);
}

TEST_F(ManifestTest, MemoryIsJudgedUnlessSaidOtherwise) {
  EXPECT_TRUE(load_manifest(write(kValid)).verdict.judge_memory);
  std::string off = kValid;
  const std::string growth = R"("minGrowthPerIteration": 0.5)";
  off.replace(off.find(growth), growth.size(), growth + R"(, "judgeMemory": false)");
  EXPECT_FALSE(load_manifest(write(off)).verdict.judge_memory);
  std::string bad = off;
  bad.replace(bad.find("false"), 5, "\"no\"");
  EXPECT_NE(error_of(bad).find("/verdict/judgeMemory"), std::string::npos);
}

// The valid manifest with a retention object of these fields.
std::string with_retention(const std::string& fields) {
  std::string text = kValid;
  const std::string iterations = R"("iterations": 20,)";
  text.replace(text.find(iterations), iterations.size(),
               iterations + R"( "retention": { )" + fields + " },");
  return text;
}

TEST_F(ManifestTest, RetentionReadsADumpOrTheProcess) {
  EXPECT_FALSE(load_manifest(write(kValid)).retention.from_process);
  EXPECT_TRUE(load_manifest(write(with_retention(R"("from": "process")"))).retention.from_process);
  EXPECT_NE(error_of(with_retention(R"("from": "memory")"))
                .find("/retention/from: must be \"dump\" or \"process\""),
            std::string::npos);
}

TEST_F(ManifestTest, TheCensusIsAtTheWarmupUnlessTakenOnGrowth) {
  EXPECT_FALSE(load_manifest(write(kValid)).retention.census_on_growth);
  EXPECT_TRUE(
      load_manifest(write(with_retention(R"("census": "onGrowth")"))).retention.census_on_growth);
  EXPECT_NE(error_of(with_retention(R"("census": "later")"))
                .find("/retention/census: must be \"warmup\" or \"onGrowth\""),
            std::string::npos);
}

TEST_F(ManifestTest, OnlyACanaryNamesItsFindings) {
  std::string text = kValid;
  text.replace(text.find("\"expect\": \"leak\""), 16,
               "\"expect\": \"leak\", \"expectFindings\": [\"App.Form\"]");
  EXPECT_EQ(load_manifest(write(text)).expect_findings, std::vector<std::string>{"App.Form"});
  text.replace(text.find("\"expect\": \"leak\""), 16, "\"expect\": \"pass\"");
  EXPECT_NE(error_of(text).find("/expectFindings"), std::string::npos);
}

TEST_F(ManifestTest, StepsForAppsWithoutTheProtocol) {
  const Manifest m = load_manifest(write(R"({
    "expect": "pass",
    "launch": {"argv": ["svc", "--urls", "http://127.0.0.1:${port}"], "protocol": false},
    "ready": [{"waitForPort": {"port": "${port}"}, "timeoutSeconds": 30},
              {"waitForOutput": {"pattern": "listening", "stream": "stdout"}}],
    "iteration": [{"http": {"method": "POST", "url": "http://127.0.0.1:${port}/x", "body": "{}",
                            "expectStatus": 201}},
                  {"exec": {"argv": ["true"], "expectExit": 0}}],
    "iterations": 3})"));
  EXPECT_FALSE(m.protocol);
  ASSERT_NE(m.port, 0);
  EXPECT_EQ(m.argv[2], "http://127.0.0.1:" + std::to_string(m.port));
  ASSERT_EQ(m.ready.size(), 2u);
  EXPECT_EQ(m.ready[0].kind, Step::Kind::kWaitForPort);
  EXPECT_EQ(m.ready[0].port, m.port);
  EXPECT_EQ(m.ready[1].kind, Step::Kind::kWaitForOutput);
  EXPECT_EQ(m.iteration[0].kind, Step::Kind::kHttp);
  EXPECT_EQ(m.iteration[0].expect_status, (std::vector<StatusRange>{{201, 201}}));
  EXPECT_EQ(m.iteration[1].kind, Step::Kind::kExec);
}

TEST_F(ManifestTest, ScenariosOfOneRunNeverShareAPort) {
  // With --jobs they run at once: each ${port} must be a port no other scenario was given.
  std::set<int> ports;
  for (int i = 0; i < 20; ++i) {
    const Manifest m = load_manifest(write(R"({"expect": "pass",
      "launch": {"argv": ["svc", "--urls", "http://127.0.0.1:${port}"], "protocol": false},
      "iteration": [{"waitForPort": {"port": "${port}"}}], "iterations": 1})"));
    ASSERT_GT(m.port, 0);
    EXPECT_TRUE(ports.insert(m.port).second) << "port " << m.port << " handed out twice";
  }
}

TEST_F(ManifestTest, SettleMethodFollowsTheProtocolUnlessSet) {
  const auto method = [&](const std::string& launch, const std::string& settle) {
    return load_manifest(
               write(R"({"expect": "pass", "launch": )" + launch + settle +
                     R"(, "iteration": [{"exec": {"argv": ["true"]}}], "iterations": 1})"))
        .settle.method;
  };
  EXPECT_EQ(method(R"({"argv": ["x"]})", ""), SettleMethod::kApp);
  EXPECT_EQ(method(R"({"argv": ["x"], "protocol": false})", ""), SettleMethod::kInducedGc);
  EXPECT_EQ(method(R"({"argv": ["x"]})", R"(, "settle": {"method": "induced-gc"})"),
            SettleMethod::kInducedGc);
  EXPECT_EQ(
      method(R"({"argv": ["x"], "protocol": false})", R"(, "settle": {"method": "live-only"})"),
      SettleMethod::kLiveOnly);
  const std::string no_protocol = error_of(
      R"({"expect": "pass", "launch": {"argv": ["x"], "protocol": false}, "settle": {"method": "app"},
          "iteration": [{"exec": {"argv": ["true"]}}], "iterations": 1})");
  EXPECT_NE(no_protocol.find("/settle/method"), std::string::npos) << no_protocol;
  EXPECT_NE(no_protocol.find("launch.protocol is false"), std::string::npos) << no_protocol;
  EXPECT_NE(error_of(R"({"expect": "pass", "launch": {"argv": ["x"]}, "settle": {"method": "gc"},
                         "iteration": [{"command": "go"}], "iterations": 1})")
                .find("/settle/method"),
            std::string::npos);
}

TEST_F(ManifestTest, BadStepsAreNamed) {
  auto with_iteration = [&](const std::string& steps) {
    return error_of(R"({"expect": "pass", "launch": {"argv": ["x"], "protocol": false},
                        "iteration": )" +
                    steps + R"(, "iterations": 1})");
  };
  EXPECT_NE(
      with_iteration(R"([{"http": {"url": "http://example.com/"}}])").find("/iteration/0/http/url"),
      std::string::npos);
  EXPECT_NE(with_iteration(R"([{"command": "go"}])").find("launch.protocol is false"),
            std::string::npos);
  EXPECT_NE(with_iteration(R"([{"exec": {"argv": ["a"]}, "http": {"url": "http://127.0.0.1/"}}])")
                .find("exactly one of"),
            std::string::npos);
}

// A web app driven with ids per round trip: ${iteration} and ${run} are left for the step
// runner, a repeat's steps see its own variable, and the statuses and body a step accepts.
TEST_F(ManifestTest, StepsCarryVariablesRepeatsSleepsAndAcceptedStatuses) {
  const Manifest m = load_manifest(write(R"({
    "expect": "pass",
    "launch": {"argv": ["x", "--urls", "http://127.0.0.1:${port}"], "protocol": false},
    "warmup": [{"repeat": {"times": 3, "steps": [
      {"http": {"method": "PUT", "url": "http://127.0.0.1:${port}/items/${i}",
                "body": "{\"run\": \"${run}\"}", "expectStatus": ["2xx", 409]}},
      {"repeat": {"times": 2, "variable": "j", "steps": [
        {"http": {"url": "http://127.0.0.1:${port}/items/${i}/${j}", "expectStatus": "200-204"}}]}}]}}],
    "iteration": [
      {"http": {"url": "http://127.0.0.1:${port}/orders/${iteration}", "expectBody": "\"id\": *\\d+",
                "headers": {"X-Run": "${run}-${iteration}"}}},
      {"sleep": {"seconds": 0.25}}],
    "iterations": 2})"));
  ASSERT_EQ(m.warmup.size(), 1u);
  const Step& repeat = m.warmup[0];
  EXPECT_EQ(repeat.kind, Step::Kind::kRepeat);
  EXPECT_EQ(repeat.times, 3);
  EXPECT_EQ(repeat.variable, "i");
  ASSERT_EQ(repeat.steps.size(), 2u);
  const Step& put = repeat.steps[0];
  EXPECT_TRUE(put.bound_at_run);
  EXPECT_EQ(put.url, "http://127.0.0.1:" + std::to_string(m.port) + "/items/${i}");
  EXPECT_EQ(put.expect_status, (std::vector<StatusRange>{{200, 299}, {409, 409}}));
  EXPECT_EQ(repeat.steps[1].steps[0].expect_status, (std::vector<StatusRange>{{200, 204}}));
  const Step& get = m.iteration[0];
  EXPECT_EQ(get.expect_status, (std::vector<StatusRange>{{200, 200}}));
  ASSERT_TRUE(get.body_regex);
  EXPECT_TRUE(get.body_regex->search(R"({"id": 42})"));
  EXPECT_EQ(m.iteration[1].kind, Step::Kind::kSleep);
  EXPECT_DOUBLE_EQ(m.iteration[1].sleep_seconds, 0.25);

  StepVars vars;
  vars.set("run", "abc");
  vars.set("iteration", "7");
  const Step bound = vars.bind(get);
  EXPECT_EQ(bound.url, "http://127.0.0.1:" + std::to_string(m.port) + "/orders/7");
  EXPECT_EQ(bound.headers.at("X-Run"), "abc-7");
  EXPECT_EQ(vars.bind(std::string("${i}/${iteration}")), "${i}/7");  // unbound names stay
}

TEST_F(ManifestTest, BadAuthoringIsNamed) {
  auto with_iteration = [&](const std::string& steps) {
    return error_of(R"({"expect": "pass", "launch": {"argv": ["x"], "protocol": false},
                        "iteration": )" +
                    steps + R"(, "iterations": 1})");
  };
  auto http = [](const std::string& fields) {
    return R"([{"http": {"url": "http://127.0.0.1:5000/", )" + fields + "}}]";
  };
  EXPECT_NE(with_iteration(R"([{"http": {"url": "http://127.0.0.1:5000/${i}"}}])")
                .find("/iteration/0/http/url: unknown variable ${i} (known here: "),
            std::string::npos);
  EXPECT_NE(error_of(R"({"expect": "pass", "launch": {"argv": ["x", "${iteration}"]},
                         "iteration": [{"command": "go"}], "iterations": 1})")
                .find("/launch/argv: ${iteration} is known only while the steps run"),
            std::string::npos);
  EXPECT_NE(with_iteration(R"([{"repeat": {"times": 2, "steps": [{"repeat": {"times": 2,
              "steps": [{"sleep": {"seconds": 1}}]}}]}}])")
                .find("/iteration/0/repeat/steps/0/repeat/variable: ${i} is taken by a repeat"),
            std::string::npos);
  EXPECT_NE(with_iteration(R"([{"repeat": {"times": 2, "steps": []}}])").find("needs at least one"),
            std::string::npos);
  EXPECT_NE(with_iteration(R"([{"repeat": {"times": 2, "variable": "run",
              "steps": [{"sleep": {"seconds": 1}}]}}])")
                .find("${run} is taken"),
            std::string::npos);
  EXPECT_NE(with_iteration(R"([{"sleep": {}}])").find("/iteration/0/sleep/seconds: required"),
            std::string::npos);
  EXPECT_NE(with_iteration(R"([{"sleep": {"seconds": 1}, "timeoutSeconds": 2}])")
                .find("no timeout of its own"),
            std::string::npos);
  EXPECT_NE(with_iteration(http(R"("expectStatus": 600)")).find("600 is not an HTTP status"),
            std::string::npos);
  EXPECT_NE(with_iteration(http(R"("expectStatus": ["2xx", "299-200"])"))
                .find("\"299-200\" ends before it starts"),
            std::string::npos);
  EXPECT_NE(with_iteration(http(R"("expectStatus": "abc")")).find("\"abc\" is not a status"),
            std::string::npos);
  EXPECT_NE(with_iteration(http(R"("expectStatus": [])")).find("accepts no status"),
            std::string::npos);
  EXPECT_NE(with_iteration(http(R"("expectBody": "(")")).find("/iteration/0/http/expectBody"),
            std::string::npos);
  EXPECT_NE(with_iteration(http(R"("method": "FETCH")")).find("/iteration/0/http/method"),
            std::string::npos);
}

TEST_F(ManifestTest, MissingRequiredFieldIsNamed) {
  EXPECT_NE(error_of(R"({"expect": "pass", "iteration": [{"command": "x"}], "iterations": 1})")
                .find("/launch: required field is missing"),
            std::string::npos);
}

TEST_F(ManifestTest, InvalidJsonNamesLineAndColumn) {
  const std::string message = error_of("{\n  \"expect\": \"pass\",\n  oops\n}");
  EXPECT_NE(message.find("line 3"), std::string::npos) << message;
}

TEST_F(ManifestTest, FindsScenarioFoldersSorted) {
  test::write_file(scratch_.path() / "b" / "scenario.json", "{}");
  test::write_file(scratch_.path() / "a" / "scenario.json", "{}");
  std::filesystem::create_directories(scratch_.path() / "lib");
  const auto found = find_scenarios(scratch_.path());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].filename(), "a");
  EXPECT_EQ(found[1].filename(), "b");
}

}  // namespace
}  // namespace leakgate
