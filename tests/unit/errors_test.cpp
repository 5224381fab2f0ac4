// Every exception leakgate can meet has one kind and one exit code of the contract
// (classify_exception, then exit_code_for: the one place they are decided), and an exception that
// escapes a scenario's source fails that scenario alone as "error", with its message; only an
// interrupt stops the run.
#include "common/errors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "cli/exit_codes.h"
#include "pipeline/dump_keeper.h"
#include "pipeline/scenario_runner.h"
#include "pipeline/scenario_source.h"
#include "scenario/manifest.h"

namespace leakgate {
namespace {

struct Case {
  const char* name;
  std::function<void()> raise;
  ErrorKind kind;
  int exit_code;
  const char* message;  // a part of the message
};

std::exception_ptr raised(const std::function<void()>& raise) {
  try {
    raise();
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

std::vector<Case> cases() {
  return {
      {"usage", [] { throw UsageError("--shard 3/2"); }, ErrorKind::kUsage, kExitBadInput,
       "--shard 3/2"},
      {"input", [] { throw InputError("a/scenario.json", "/iterations", "not a number"); },
       ErrorKind::kInput, kExitBadInput, "a/scenario.json: /iterations: not a number"},
      {"scenario", [] { throw ScenarioError("the app exited with 9"); }, ErrorKind::kScenario,
       kExitFailure, "the app exited with 9"},
      {"tool", [] { throw ToolError("dotnet-dump hung"); }, ErrorKind::kTool, kExitFailure,
       "dotnet-dump hung"},
      {"interrupt", [] { throw InterruptedError(); }, ErrorKind::kInterrupted, kExitInterrupted,
       "interrupted"},
      {"filesystem",
       [] {
         throw std::filesystem::filesystem_error(
             "cannot create", "/r/x", std::make_error_code(std::errc::no_space_on_device));
       },
       ErrorKind::kTool, kExitFailure, "/r/x"},
      // SIGTERM landing in a copy of report merge: the copy fails with EINTR.
      {"a file operation cut short by a signal",
       [] {
         throw std::filesystem::filesystem_error("cannot copy", "/s/a",
                                                 std::make_error_code(std::errc::interrupted));
       },
       ErrorKind::kInterrupted, kExitInterrupted, "/s/a"},
      {"out of memory", [] { throw std::bad_alloc(); }, ErrorKind::kTool, kExitFailure,
       "out of memory"},
      {"a library's exception", [] { throw std::invalid_argument("stoi"); }, ErrorKind::kTool,
       kExitFailure, "internal error: stoi"},
      {"not an exception", [] { throw 42; }, ErrorKind::kTool, kExitFailure,
       "internal error: an unknown exception"},
  };
}

TEST(Errors, EveryExceptionHasOneKindAndOneExitCode) {
  for (const auto& c : cases()) {
    std::string message;
    const ErrorKind kind = classify_exception(raised(c.raise), message);
    EXPECT_EQ(kind, c.kind) << c.name;
    EXPECT_EQ(exit_code_for(kind), c.exit_code) << c.name;
    EXPECT_NE(message.find(c.message), std::string::npos) << c.name << ": " << message;
  }
}

TEST(Errors, KindNamesRoundTrip) {
  for (const ErrorKind kind : {ErrorKind::kUsage, ErrorKind::kInput, ErrorKind::kScenario,
                               ErrorKind::kTool, ErrorKind::kInterrupted}) {
    ErrorKind back = ErrorKind::kUsage;
    ASSERT_TRUE(parse_error_kind(error_kind_name(kind), back)) << error_kind_name(kind);
    EXPECT_EQ(back, kind);
  }
  ErrorKind unchanged = ErrorKind::kScenario;
  EXPECT_FALSE(parse_error_kind("crash", unchanged));
  EXPECT_EQ(unchanged, ErrorKind::kScenario);
}

// A source whose drive throws what it is given: what a collector, a parser or the protocol may
// throw half-way through a scenario.
class ThrowingSource : public ScenarioSource {
 public:
  explicit ThrowingSource(std::function<void()> raise) : raise_(std::move(raise)) {}
  bool writes_raw_output() const override { return false; }
  void drive(const Manifest& /*manifest*/, const std::filesystem::path& /*raw_dir*/,
             const std::filesystem::path& /*temp*/, ScenarioResult& /*result*/,
             const MoreIterations& /*more*/) override {
    raise_();
  }
  void explain(const Manifest& /*manifest*/, const std::filesystem::path& /*raw_dir*/,
               ScenarioResult& /*result*/) override {}

 private:
  std::function<void()> raise_;
};

ScenarioResult run_with(const std::function<void()>& raise) {
  Manifest manifest;
  manifest.name = "thrower";
  manifest.iterations = 5;
  ThrowingSource source(raise);
  DumpKeeper dumps(KeepDumps::kNever, 0);
  return run_scenario(manifest, std::nullopt, {}, RunOptions{}, source, dumps);
}

TEST(Errors, AnExceptionInAScenarioFailsThatScenarioWithItsMessage) {
  for (const auto& c : cases()) {
    if (c.kind == ErrorKind::kInterrupted) continue;
    ScenarioResult result;
    ASSERT_NO_THROW(result = run_with(c.raise)) << c.name;
    EXPECT_EQ(result.verdict, Verdict::kError) << c.name;
    EXPECT_FALSE(result.met) << c.name;
    ASSERT_TRUE(result.error_kind.has_value()) << c.name;
    EXPECT_EQ(*result.error_kind, c.kind) << c.name;
    ASSERT_TRUE(result.error.has_value()) << c.name;
    EXPECT_NE(result.error->find(c.message), std::string::npos) << c.name << ": " << *result.error;
    RunResult run;
    run.scenarios.push_back(result);
    EXPECT_EQ(exit_code_for(run), c.exit_code) << c.name;
  }
}

TEST(Errors, AnInterruptInAScenarioStopsTheRun) {
  EXPECT_THROW(run_with([] { throw InterruptedError(); }), InterruptedError);
}

}  // namespace
}  // namespace leakgate
