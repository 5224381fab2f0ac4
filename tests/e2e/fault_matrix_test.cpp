// The fault matrix: see docs/reliability.md. Each case runs the real leakgate binary on real
// inputs and apps, then checks the exit code, the message, and what is left behind: processes,
// temporary files, baselines, and the report.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdint>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

#include "e2e/e2e_support.h"
#include "e2e/fault_support.h"

namespace leakgate::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

void make_executable(const fs::path& p, const std::string& script) {
  write_bytes(p, script);
  fs::permissions(p, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
}

// A protocol app that answers every request and exits on quit.
const std::string& quiet_app() {
  static const std::string script = shell_protocol_app();
  return script;
}

// ---------------------------------------------------------------------------------------------
// Manifests: every complaint names the file and the field; nothing starts.

class FaultsManifest : public FaultCase {
 protected:
  // What the JSON Schema (schemas/scenario.schema.json) says of a scenario's manifest, by an
  // independent validator (Debian's python3-jsonschema): it must agree with the loader, but for
  // what only the file system or the whole manifest tells (kLoaderOnly).
  enum class Schema { kAccepts, kRejects, kLoaderOnly };
  void expect_schema(const std::string& name, Schema expected) {
    SpawnSpec check;
    check.argv = {"/usr/bin/python3", (source_dir() / "tests" / "schema" / "validate.py").string(),
                  (source_dir() / "schemas" / "scenario.schema.json").string(),
                  (ws.scenarios() / name / "scenario.json").string()};
    const ToolRun v = run_to_completion(check, Deadline(std::chrono::seconds(60)));
    ASSERT_FALSE(v.status.signaled) << v.err;
    ASSERT_LE(v.status.value, 2) << v.out << v.err;  // 0 valid, 1 invalid, 2 not JSON
    if (expected == Schema::kRejects) {
      EXPECT_NE(v.status.value, 0) << "the schema accepts what the loader refuses\n" << v.out;
    } else {
      EXPECT_EQ(v.status.value, 0) << v.out << v.err;
    }
  }

  // A file the app creates when it starts: a manifest error must be found before.
  fs::path started(const std::string& name) const { return ws.root() / ("started-" + name); }
  std::string touching(const std::string& name) const {
    return "touch '" + started(name).string() + "'; ";
  }
};

TEST_F(FaultsManifest, InvalidJsonNamesFileLineAndColumn) {
  raw_scenario("broken",
               "{\n  \"expect\": \"pass\",\n  \"launch\": {\"argv\": [\"sh\"]}\n"
               "  \"iterations\": 2\n}\n");
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {"broken/scenario.json", "line 4", "column"});
  expect_schema("broken", Schema::kRejects);
}

TEST_F(FaultsManifest, UnknownFieldNamedAsAPointer) {
  json m = shell_app(quiet_app());
  m["launch"]["enviroment"] = json::object();
  scenario("typo", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {"typo/scenario.json", "/launch/enviroment", "unknown field"});
  expect_schema("typo", Schema::kRejects);
}

TEST_F(FaultsManifest, MissingLaunch) {
  json m = shell_app(quiet_app());
  m.erase("launch");
  scenario("nolaunch", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {"nolaunch/scenario.json", "/launch", "missing"});
  expect_schema("nolaunch", Schema::kRejects);
}

TEST_F(FaultsManifest, ProgramThatDoesNotExistExitsThreeNamingIt) {
  json m = shell_app(quiet_app());
  m["launch"]["argv"] = {"/nonexistent/app-7f3a", "--serve"};
  scenario("noprogram", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"/nonexistent/app-7f3a"});
  expect_schema("noprogram", Schema::kAccepts);  // a valid manifest: the run fails (exit 3)
}

TEST_F(FaultsManifest, MissingWorkingDirectoryNamesLaunchCwd) {
  json m = shell_app(touching("nocwd") + quiet_app());
  m["launch"]["cwd"] = "no-such-folder";
  scenario("nocwd", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {"nocwd/scenario.json", "/launch/cwd", "no-such-folder"});
  EXPECT_FALSE(contains_ci(run.err + run.out, "/launch/argv"))
      << "the cause is the folder, not the program\n"
      << output_of(run);
  EXPECT_FALSE(fs::exists(started("nocwd")));
  expect_schema("nocwd", Schema::kLoaderOnly);  // whether the folder exists
}

TEST_F(FaultsManifest, HugeIterationCountIsQuotedAsWritten) {
  json m = shell_app(quiet_app());
  m["iterations"] = std::numeric_limits<std::uint64_t>::max();
  scenario("huge", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {"huge/scenario.json", "/iterations", "18446744073709551615"});
  EXPECT_FALSE(contains_ci(run.err, " -1 ")) << run.err;
  expect_schema("huge", Schema::kRejects);
}

TEST_F(FaultsManifest, InvalidRegexIsRejectedAtLoadBeforeAnyAppStarts) {
  scenario("a-first", shell_app(touching("a-first") + quiet_app()));
  scenario("b-regex", service_app({"sh", "-c", touching("b-regex") + "echo up; exec sleep 600"},
                                  {{{"waitForOutput", {{"pattern", "(unclosed"}}}}},
                                  {{{"exec", {{"argv", {"true"}}}}}}));
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {"b-regex/scenario.json", "/ready/0/waitForOutput/pattern"});
  EXPECT_FALSE(fs::exists(started("a-first"))) << "an app was started before the manifests were "
                                                  "all checked";
  EXPECT_FALSE(fs::exists(started("b-regex")));
  expect_schema("a-first", Schema::kAccepts);
  expect_schema("b-regex", Schema::kRejects);
}

// An http step's URL that is not on the loopback interface.
class FaultsManifestUrl : public FaultsManifest {
 protected:
  void expect_refused(const std::string& url) {
    scenario("web", service_app({"sh", "-c", touching("web") + "exec sleep 600"}, json::array(),
                                {{{"http", {{"url", url}}}}}));
    const ToolRun run = leakgate(with_dirs({"run"}));
    expect_aftermath(run, 2);
    expect_message(run, {"web/scenario.json", "/iteration/0/http/url"});
    EXPECT_FALSE(fs::exists(started("web")));
    expect_schema("web", Schema::kRejects);
  }
  // A dual-stack HTTP server as the app: the step must reach it through `url`.
  void expect_accepted(const std::string& url) {
    json m = service_app(python_http_server(200, "b'ok'", true),
                         {{{"waitForPort", {{"port", "${port}"}}}, {"timeoutSeconds", 20}}},
                         {{{"http", {{"url", url}}}}}, 2);
    scenario("web", m);
    expect_schema("web", Schema::kAccepts);
    const ToolRun run = leakgate(with_dirs({"run"}));
    expect_aftermath(run, 0, ReportRule::kRequired);
    const json report = report_at();
    ASSERT_TRUE(report.is_object());
    const json* web = find_scenario(report, "web");
    ASSERT_NE(web, nullptr);
    EXPECT_EQ(web->value("verdict", ""), "pass") << web->dump(2);
  }
};

TEST_F(FaultsManifestUrl, LookalikeHostUnder127IsRefused) {
  expect_refused("http://127.0.0.1.example.com/");
}
TEST_F(FaultsManifestUrl, ForeignHostIsRefused) { expect_refused("http://evil.com/"); }
TEST_F(FaultsManifestUrl, UserinfoBeforeAForeignHostIsRefused) {
  expect_refused("http://user@127.0.0.1.evil/");
}
TEST_F(FaultsManifestUrl, HttpsIsRefused) { expect_refused("https://127.0.0.1/"); }
TEST_F(FaultsManifestUrl, LocalhostWithPortIsAccepted) {
  expect_accepted("http://localhost:${port}/");
}
TEST_F(FaultsManifestUrl, Ipv4LoopbackWithPortIsAccepted) {
  expect_accepted("http://127.0.0.1:${port}/");
}
TEST_F(FaultsManifestUrl, Ipv6LoopbackWithPortIsAccepted) {
  expect_accepted("http://[::1]:${port}/");
}

TEST_F(FaultsManifest, UnknownVariableIsRefused) {
  json m = shell_app(quiet_app());
  m["launch"]["argv"] = {"sh", "-c", quiet_app(), "${nope}"};
  scenario("var", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {"var/scenario.json", "/launch/argv", "${nope}"});
  expect_schema("var", Schema::kRejects);
}

TEST_F(FaultsManifest, ScenarioJsonThatIsADirectory) {
  fs::create_directories(ws.scenarios() / "dirjson" / "scenario.json");
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {"dirjson/scenario.json", "is a directory"});
}

TEST_F(FaultsManifest, NonUtf8ByteInAString) {
  std::string text = shell_app(quiet_app()).dump(2);
  text.insert(1, "\n  \"description\": \"caf\xe9 au lait\",");
  raw_scenario("latin1", text);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {"latin1/scenario.json", "UTF-8"});
  expect_schema("latin1", Schema::kRejects);
}

// ---------------------------------------------------------------------------------------------
// Baselines and known leaks.

class FaultsBaseline : public FaultCase {};

TEST_F(FaultsBaseline, InvalidJsonNamesTheFile) {
  scenario("s", shell_app(quiet_app()));
  write_bytes(ws.baselines() / "s.json", "{\"schemaVersion\": 1,,}");
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {(ws.baselines() / "s.json").string(), "invalid JSON"});
}

TEST_F(FaultsBaseline, ADirectoryWhereTheBaselineShouldBe) {
  scenario("s", shell_app(quiet_app()));
  fs::create_directories(ws.baselines() / "s.json");
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {(ws.baselines() / "s.json").string(), "is a directory"});
  EXPECT_FALSE(contains_ci(run.err + run.out, "invalid JSON")) << output_of(run);
}

TEST_F(FaultsBaseline, InvalidKnownLeaks) {
  scenario("s", shell_app(quiet_app()));
  write_bytes(ws.baselines() / "known-leaks.json", "{\"schemaVersion\": 1, \"entries\": [}");
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {"known-leaks.json", "line 1"});
}

TEST_F(FaultsBaseline, UpdateWhereOneWriteFailsWritesNoBaseline) {
  // Record a's baseline, then change the scenario so that a re-recording would rewrite it.
  for (const char* name : {"a", "b", "c"}) scenario(name, shell_app(quiet_app()));
  ToolRun run = leakgate(with_dirs({"baseline", "update", "--scenario", "a", "-q"}));
  ASSERT_EQ(run.status.value, 0) << output_of(run);
  const std::string recorded = bytes_of(ws.baselines() / "a.json");
  ASSERT_FALSE(recorded.empty());
  scenario("a", shell_app(quiet_app(), 3));

  // The baselines folder becomes a small file system with room for one file more.
  Tmpfs small(ws.baselines(), std::size_t{64} * 1024);
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << small.error();
  write_bytes(ws.baselines() / "README.md", "checked-in baselines\n");
  write_bytes(ws.baselines() / "a.json", recorded);
  small.fill(".filler", 4096);
  seed_previous_report(ws.reports());
  freeze_baselines();

  run = leakgate(with_dirs({"baseline", "update"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"no baseline was written", "No space left"});
  const json report = report_at();
  ASSERT_TRUE(report.is_object());
  ASSERT_TRUE(report.contains("baselineUpdate")) << report.dump(2).substr(0, 3000);
  EXPECT_EQ(report["baselineUpdate"].value("status", ""), "failed")
      << report["baselineUpdate"].dump();
  EXPECT_TRUE(contains_ci(strings_of(report["baselineUpdate"]), "No space left"))
      << report["baselineUpdate"].dump();
}

TEST_F(FaultsBaseline, UpdateOfSeveralScenariosReportsWritten) {
  for (const char* name : {"a", "b"}) scenario(name, shell_app(quiet_app()));
  const ToolRun run = leakgate(with_dirs({"baseline", "update"}));
  expect_exit(run, 0);
  expect_no_process();
  expect_no_temp();
  expect_report(run, ReportRule::kRequired);
  for (const char* name : {"a.json", "b.json"}) {
    EXPECT_TRUE(fs::exists(ws.baselines() / name)) << name;
  }
  EXPECT_EQ(bytes_of(ws.baselines() / "README.md"), "checked-in baselines\n");
  const json report = report_at();
  ASSERT_TRUE(report.is_object());
  ASSERT_TRUE(report.contains("baselineUpdate")) << report.dump(2).substr(0, 3000);
  EXPECT_EQ(report["baselineUpdate"].value("status", ""), "written")
      << report["baselineUpdate"].dump();
}

// ---------------------------------------------------------------------------------------------
// Signals to leakgate at each stage: exit 130, every process gone, no temporary file, baselines
// untouched, and no report that passes for a finished run.

class FaultsSignal : public FaultCase {
 protected:
  // An app that never says hello (a slow start), with a child of its own.
  json slow_start() const {
    json m = shell_app("sleep 600 & echo starting; exec sleep 601");
    m["timeouts"]["startSeconds"] = 300;
    return m;
  }
  bool app_running(const std::string& needle) const {
    return !marked_processes_running(marker, needle).empty();
  }
  void expect_interrupted(const ToolRun& run, const fs::path& report_dir = {}) {
    expect_aftermath(run, 130, ReportRule::kAbsentOrTruthful, report_dir);
  }
  void during_launch(int sig) {
    scenario("slow", slow_start());
    seed_previous_report(ws.reports());
    const ToolRun run = interrupt_when(
        with_dirs({"run", "-v"}),
        [&] { return contains_ci(progress(), "launch") && app_running("sleep 601"); }, sig,
        "the app is starting");
    expect_interrupted(run);
  }
  void during_iterations(int sig) {
    scenario("native", native_app(100000));
    seed_previous_report(ws.reports());
    const ToolRun run = interrupt_when(
        with_dirs({"run", "-v"}),
        [&] { return progress().find("iteration 20/100000") != std::string::npos; }, sig,
        "iteration 20 of the native app");
    expect_interrupted(run);
  }
  void during_dump(int sig) {
    scenario("forms", forms_app(3));
    seed_previous_report(ws.reports());
    const ToolRun run = interrupt_when(
        with_dirs({"run", "-v"}), [&] { return app_running("collect"); }, sig,
        "dotnet-dump collect is running");
    expect_interrupted(run);
  }
  // Both scenarios measured; the last one's app is slow to exit after quit. Nothing may be
  // written after the interrupt.
  void during_baseline_update(int sig) {
    scenario("a-first", shell_app(quiet_app()));
    json last = shell_app(shell_protocol_app("", "app=shell", "", "exec sleep 600"));
    last["timeouts"]["shutdownSeconds"] = 120;
    scenario("b-last", last);
    seed_previous_report(ws.reports());
    const fs::path transcript = ws.reports() / "b-last" / "protocol.log";
    const ToolRun run = interrupt_when(
        with_dirs({"baseline", "update", "-v"}),
        [&] { return bytes_of(transcript).find(" quit") != std::string::npos; }, sig,
        "the last scenario has been measured and is shutting down");
    expect_interrupted(run);
    EXPECT_FALSE(fs::exists(ws.baselines() / "a-first.json"));
    EXPECT_FALSE(fs::exists(ws.baselines() / "b-last.json"));
  }
  // A shard whose raw output is many files: the merge takes a moment copying them.
  void during_merge(int sig) {
    const fs::path shard = ws.root() / "shard";
    fs::create_directories(shard / "a");
    write_bytes(shard / "report.json", json{{"schemaVersion", 1},
                                            {"summary", {{"exitCode", 0}}},
                                            {"scenarios",
                                             {{{"name", "a"},
                                               {"verdict", "pass"},
                                               {"expected", "pass"},
                                               {"met", true},
                                               {"findings", json::array()},
                                               {"notes", json::array()},
                                               {"checkpoints", json::array()},
                                               {"rawOutput", "a"}}}}}
                                           .dump());
    for (int i = 0; i < 5000; ++i) {
      std::ofstream(shard / "a" / ("raw-" + std::to_string(i) + ".txt")) << "line " << i << "\n";
    }
    const Tree before = snapshot(shard);
    const fs::path out = ws.root() / "merged";
    seed_previous_report(out);
    const ToolRun run = interrupt_when(
        {"report", "merge", "--out", out.string(), shard.string()},
        [&] {
          std::error_code ec;
          return fs::is_directory(out / "a", ec) && !fs::is_empty(out / "a", ec);
        },
        sig, "the merge is copying raw output");
    expect_interrupted(run, out);
    EXPECT_EQ(tree_diff(before, snapshot(shard)), "") << "the input shard changed";
  }
};

TEST_F(FaultsSignal, SigintDuringLaunch) { during_launch(SIGINT); }
TEST_F(FaultsSignal, SigtermDuringLaunch) { during_launch(SIGTERM); }
TEST_F(FaultsSignal, SigintDuringIterations) { during_iterations(SIGINT); }
TEST_F(FaultsSignal, SigtermDuringIterations) { during_iterations(SIGTERM); }
TEST_F(FaultsSignal, SigintDuringDotnetDump) { during_dump(SIGINT); }
TEST_F(FaultsSignal, SigtermDuringDotnetDump) { during_dump(SIGTERM); }
TEST_F(FaultsSignal, SigintDuringBaselineUpdateBeforeWriting) { during_baseline_update(SIGINT); }
TEST_F(FaultsSignal, SigtermDuringBaselineUpdateBeforeWriting) { during_baseline_update(SIGTERM); }
TEST_F(FaultsSignal, SigintDuringReportMerge) { during_merge(SIGINT); }
TEST_F(FaultsSignal, SigtermDuringReportMerge) { during_merge(SIGTERM); }

// ---------------------------------------------------------------------------------------------
// Report folders that overlap the inputs, and stale reports.

class FaultsReportDir : public FaultCase {
 protected:
  // Refused before anything is written or removed: the whole workspace is byte-identical.
  void expect_overlap_refused(const std::vector<std::string>& args, const fs::path& report_dir) {
    const Tree before = snapshot(ws.root(), {"tmp"});
    const ToolRun run = leakgate(args);
    expect_aftermath(run, 2, ReportRule::kAbsent, report_dir);
    expect_message(run, {"overlap"});
    EXPECT_EQ(tree_diff(before, snapshot(ws.root(), {"tmp"})), "")
        << "something was written or removed\n"
        << output_of(run);
  }
  std::vector<std::string> run_args(const fs::path& scenarios, const fs::path& report) const {
    return {"run",           "--scenarios-dir", scenarios.string(),     "--report-dir",
            report.string(), "--baselines-dir", ws.baselines().string()};
  }
};

TEST_F(FaultsReportDir, ReportDirIsTheScenariosDir) {
  scenario("s", shell_app(quiet_app()));
  expect_overlap_refused(run_args(ws.scenarios(), ws.scenarios()), ws.scenarios());
}

TEST_F(FaultsReportDir, ReportDirIsTheScenariosDirSpelledOtherwise) {
  scenario("s", shell_app(quiet_app()));
  const fs::path spelled = ws.root() / "tmp" / ".." / "scenarios" / ".";
  expect_overlap_refused(run_args(ws.scenarios(), spelled), ws.scenarios());
}

TEST_F(FaultsReportDir, ReportDirIsASymlinkToTheScenariosDir) {
  scenario("s", shell_app(quiet_app()));
  fs::create_directory_symlink(ws.scenarios(), ws.root() / "alias");
  expect_overlap_refused(run_args(ws.scenarios(), ws.root() / "alias"), ws.scenarios());
}

TEST_F(FaultsReportDir, ReportDirInsideTheScenariosDir) {
  scenario("s", shell_app(quiet_app()));
  expect_overlap_refused(run_args(ws.scenarios(), ws.scenarios() / "out"), ws.scenarios() / "out");
}

TEST_F(FaultsReportDir, ScenariosDirInsideTheReportDir) {
  const fs::path report = ws.root() / "r";
  scenario("s", shell_app(quiet_app()), report / "scen");
  expect_overlap_refused(run_args(report / "scen", report), report);
}

TEST_F(FaultsReportDir, ReportDirIsTheBaselinesDir) {
  scenario("s", shell_app(quiet_app()));
  expect_overlap_refused(run_args(ws.scenarios(), ws.baselines()), ws.baselines());
}

TEST_F(FaultsReportDir, ReportDirInsideTheBaselinesDir) {
  scenario("s", shell_app(quiet_app()));
  expect_overlap_refused(run_args(ws.scenarios(), ws.baselines() / "reports"),
                         ws.baselines() / "reports");
}

TEST_F(FaultsReportDir, ReportDirIsARegularFile) {
  scenario("s", shell_app(quiet_app()));
  const fs::path file = ws.root() / "report-file";
  write_bytes(file, "not a folder\n");
  const ToolRun run = leakgate(run_args(ws.scenarios(), file));
  expect_exit_in(run, {2, 3});
  expect_no_process();
  expect_no_temp();
  expect_baselines_unchanged();
  expect_message(run, {file.string()});
  EXPECT_TRUE(contains_ci(run.err, "not a directory") || contains_ci(run.err, "not a folder"))
      << output_of(run);
  EXPECT_EQ(bytes_of(file), "not a folder\n");
}

class FaultsStaleReport : public FaultCase {
 protected:
  // A first run that succeeds and writes a report.
  void first_run() {
    scenario("s", shell_app(quiet_app()));
    const ToolRun run = leakgate(with_dirs({"run"}));
    ASSERT_EQ(run.status.value, 0) << output_of(run);
    ASSERT_TRUE(fs::exists(ws.reports() / "junit.xml"));
  }
};

TEST_F(FaultsStaleReport, AfterAnInvalidManifest) {
  first_run();
  json m = shell_app(quiet_app());
  m["iteratons"] = 2;
  scenario("s", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 2);
  expect_message(run, {"s/scenario.json", "/iteratons"});
}

TEST_F(FaultsStaleReport, AfterAnInterrupt) {
  first_run();
  json m = shell_app("echo starting; exec sleep 600");
  m["timeouts"]["startSeconds"] = 300;
  scenario("s", m);
  const ToolRun run = interrupt_when(
      with_dirs({"run", "-v"}),
      [&] { return !marked_processes_running(marker, "sleep 600").empty(); }, SIGINT,
      "the app is starting");
  expect_aftermath(run, 130);
}

TEST_F(FaultsStaleReport, AfterAScenarioError) {
  first_run();
  scenario("s", shell_app("echo 'cannot start' >&2; exit 9"));
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"exit code 9"});
}

// ---------------------------------------------------------------------------------------------
// report merge on hostile or broken shard reports: refused (exit 2) before anything is touched.

class FaultsMerge : public FaultCase {
 protected:
  fs::path shard = ws.root() / "shard";
  fs::path out = ws.root() / "merged";
  fs::path precious = ws.root() / "precious";

  static json scenario_entry(const std::string& name, const json& raw) {
    return {{"name", name},
            {"verdict", "pass"},
            {"expected", "pass"},
            {"met", true},
            {"findings", json::array()},
            {"notes", json::array()},
            {"checkpoints", json::array()},
            {"rawOutput", raw}};
  }
  static void write_shard(const fs::path& dir, const std::string& report_text) {
    fs::create_directories(dir);
    write_bytes(dir / "report.json", report_text);
  }
  static void write_shard(const fs::path& dir, const json& scenarios) {
    write_shard(dir, json{{"schemaVersion", 1}, {"scenarios", scenarios}}.dump());
  }
  ToolRun merge(const std::vector<std::string>& inputs) {
    write_bytes(precious / "keep.txt", "precious data\n");
    before_ = snapshot(ws.root(), {"tmp", "merged"});
    std::vector<std::string> args = {"report", "merge", "--out", out.string()};
    args.insert(args.end(), inputs.begin(), inputs.end());
    return leakgate(args);
  }
  // Refused: exit 2 naming `needles`, nothing outside --out touched, no report in --out.
  void expect_refused(const ToolRun& run, const std::vector<std::string>& needles) {
    expect_aftermath(run, 2, ReportRule::kAbsent, out);
    expect_message(run, needles, out);
    EXPECT_FALSE(contains_ci(run.err, "internal error")) << run.err;
    EXPECT_EQ(tree_diff(before_, snapshot(ws.root(), {"tmp", "merged"})), "");
    EXPECT_EQ(bytes_of(precious / "keep.txt"), "precious data\n");
  }

 private:
  Tree before_;
};

TEST_F(FaultsMerge, RawOutputLeavingTheShardIsRefused) {
  write_shard(shard, json{scenario_entry("a", "../precious")});
  const ToolRun run = merge({shard.string()});
  expect_refused(run, {"/scenarios/0/rawOutput"});
}

TEST_F(FaultsMerge, AbsoluteRawOutputIsRefused) {
  write_shard(shard, json{scenario_entry("a", precious.string())});
  const ToolRun run = merge({shard.string()});
  expect_refused(run, {"/scenarios/0/rawOutput"});
}

TEST_F(FaultsMerge, RawOutputSymlinkPointingOutsideIsRefused) {
  write_shard(shard, json{scenario_entry("a", "a")});
  fs::create_directories(precious);
  fs::create_directory_symlink(precious, shard / "a");
  const ToolRun run = merge({shard.string()});
  expect_refused(run, {"/scenarios/0/rawOutput"});
}

TEST_F(FaultsMerge, OutThatIsAlsoAnInputIsRefused) {
  write_shard(shard, json{scenario_entry("a", "a")});
  write_bytes(shard / "a" / "protocol.log", "1 ms > 1 work\n");
  out = shard;
  const Tree input = snapshot(shard);
  const ToolRun run = merge({(shard / ".").string()});
  expect_exit(run, 2);
  expect_message(run, {"is also an input"});
  expect_no_process();
  expect_no_temp(shard);
  EXPECT_EQ(tree_diff(input, snapshot(shard)), "") << "the input was touched";
}

TEST_F(FaultsMerge, RelativePathsAreAccepted) {
  write_shard(shard, json{scenario_entry("a", "a")});
  write_bytes(shard / "a" / "protocol.log", "1 ms > 1 work\n");
  write_bytes(precious / "keep.txt", "precious data\n");
  const Tree input = snapshot(shard);
  // Bare folder names, relative to leakgate's working folder (the workspace).
  const ToolRun run = leakgate({"report", "merge", "--out", "merged", "shard"}, ws.root());
  expect_aftermath(run, 0, ReportRule::kRequired, out);
  EXPECT_EQ(bytes_of(out / "a" / "protocol.log"), "1 ms > 1 work\n");
  EXPECT_EQ(tree_diff(input, snapshot(shard)), "") << "the input was touched";
}

TEST_F(FaultsMerge, MissingReportJsonIsRefused) {
  fs::create_directories(shard);
  const ToolRun run = merge({shard.string()});
  expect_refused(run, {(shard / "report.json").string()});
}

TEST_F(FaultsMerge, WrongSchemaVersionIsRefused) {
  write_shard(shard, json{{"schemaVersion", 2}, {"scenarios", json::array()}}.dump());
  const ToolRun run = merge({shard.string()});
  expect_refused(run, {"report.json", "/schemaVersion"});
}

TEST_F(FaultsMerge, ScenarioNameThatIsANumberIsRefused) {
  json entry = scenario_entry("a", "a");
  entry["name"] = 5;
  write_shard(shard, json{entry});
  const ToolRun run = merge({shard.string()});
  expect_refused(run, {"report.json", "/scenarios/0/name"});
}

TEST_F(FaultsMerge, ScenariosThatIsAnObjectIsRefused) {
  write_shard(shard, json{{"schemaVersion", 1}, {"scenarios", json::object()}}.dump());
  const ToolRun run = merge({shard.string()});
  expect_refused(run, {"report.json", "/scenarios"});
}

TEST_F(FaultsMerge, OverlappingShardsAreRefused) {
  write_shard(shard, json{scenario_entry("a", "a")});
  write_shard(ws.root() / "shard2", json{scenario_entry("a", "a")});
  const ToolRun run = merge({shard.string(), (ws.root() / "shard2").string()});
  expect_refused(run, {"'a'", "overlap"});
}

TEST_F(FaultsMerge, NonUtf8BytesInAShardAreRefusedOrReplaced) {
  std::string text = json{{"schemaVersion", 1}, {"scenarios", {scenario_entry("a", "a")}}}.dump();
  const std::string notes = "\"notes\":[]";
  text.replace(text.find(notes), notes.size(), "\"notes\":[\"bad \xff\xfe bytes\"]");
  write_shard(shard, text);
  const ToolRun run = merge({shard.string()});
  expect_exit_in(run, {0, 2});
  expect_no_process();
  expect_no_temp(out);
  if (run.status.value == 2) {
    expect_message(run, {(shard / "report.json").string()});
    expect_report(run, ReportRule::kAbsent, out);
  } else {
    expect_report(run, ReportRule::kRequired, out);
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile and broken apps.

class FaultsApp : public FaultCase {
 protected:
  // The report of a run with a healthy scenario beside the faulty one: every view exists,
  // report.json is valid UTF-8 JSON, and the healthy scenario has its result.
  void expect_other_scenario_judged(const std::string& name = "z-healthy") {
    const json report = report_at();
    ASSERT_TRUE(report.is_object());
    const json* other = find_scenario(report, name);
    ASSERT_NE(other, nullptr) << report.dump(2).substr(0, 3000);
    EXPECT_EQ(other->value("verdict", ""), "pass") << other->dump(2);
  }
  void add_healthy() { scenario("z-healthy", shell_app(quiet_app())); }
};

TEST_F(FaultsApp, ExitsAtOnce) {
  scenario("quits", shell_app("echo 'fatal: no display' >&2; exit 7"));
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"exit code 7", "fatal: no display"});
}

TEST_F(FaultsApp, KilledBySigsegv) {
  scenario("segv", shell_app("kill -SEGV $$"));
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"signal 11"});
}

TEST_F(FaultsApp, NeverSendsHello) {
  json m = shell_app("sleep 600 & echo booting; exec sleep 601");
  m["timeouts"]["startSeconds"] = 1;
  scenario("mute", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"hello", "startSeconds"});
}

TEST_F(FaultsApp, HangsOnACommand) {
  json m = shell_app(shell_protocol_app("", "app=shell", "[ \"$cmd\" = work ] && exec sleep 600"));
  m["timeouts"]["commandSeconds"] = 1;
  scenario("hangs", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"'work'", "no reply within"});
}

TEST_F(FaultsApp, GarbageProtocolLine) {
  scenario("garbage", shell_app(shell_protocol_app(
                          "", "app=shell", "[ \"$cmd\" = work ] && echo '@leakgate ok seven'")));
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"protocol error", "@leakgate ok seven"});
}

TEST_F(FaultsApp, FloodedStdoutIsCappedAndTheDropNoted) {
  json m = shell_app(shell_protocol_app(
      "yes 'flood flood flood flood flood flood flood flood flood flood flood flood' | "
      "head -c 50000000; echo"));
  m["launch"]["logLimitBytes"] = 1000000;
  scenario("flood", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 0, ReportRule::kRequired);
  const auto size = fs::file_size(ws.reports() / "flood" / "app.stdout.log");
  EXPECT_LE(size, 1000000u) << "app.stdout.log is over launch.logLimitBytes";
  const json report = report_at();
  ASSERT_TRUE(report.is_object());
  const json* s = find_scenario(report, "flood");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(contains_ci(s->value("notes", json::array()).dump(), "dropped")) << s->dump(2);
}

TEST_F(FaultsApp, NonUtf8InStderr) {
  scenario("bytes", shell_app("printf 'boom \\377\\376 end\\n' >&2; exit 5"));
  add_healthy();
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"exit code 5", "boom"});
  expect_other_scenario_judged();
}

TEST_F(FaultsApp, NonUtf8InHelloFacts) {
  scenario("facts", shell_app(shell_protocol_app("", "app=shell note=\\377\\376x")));
  add_healthy();
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 0, ReportRule::kRequired);
  expect_other_scenario_judged();
  expect_other_scenario_judged("facts");
}

TEST_F(FaultsApp, NonUtf8InAFailingExecStep) {
  json m = shell_app(quiet_app());
  m["iteration"] = {{{"exec", {{"argv", {"sh", "-c", "printf 'bad \\377 out\\n' >&2; exit 4"}}}}}};
  scenario("exec", m);
  add_healthy();
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"exit code 4", "bad"});
  expect_other_scenario_judged();
}

TEST_F(FaultsApp, NonUtf8InAFailingHttpResponse) {
  scenario("web", service_app(python_http_server(500, "b'oops \\xff\\xfe body'", false),
                              {{{"waitForPort", {{"port", "${port}"}}}, {"timeoutSeconds", 20}}},
                              {{{"http", {{"url", "http://127.0.0.1:${port}/"}}}}}));
  add_healthy();
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"status 500", "oops"});
  expect_other_scenario_judged();
}

// The native app, started by a shell that first leaves a process behind in `prelude`.
json native_behind(json m, const std::string& prelude) {
  m["launch"]["argv"] = {"sh", "-c", prelude + " exec ${leakgateBinDir}/native-scenario"};
  return m;
}

TEST_F(FaultsApp, ChildInANewSessionIsGone) {
  scenario("setsid", native_behind(native_app(2), "setsid sleep 600 &"));
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 0, ReportRule::kRequired);
}

TEST_F(FaultsApp, DoubleForkingDaemonIsGone) {
  scenario("daemon", native_behind(native_app(2), "(setsid sh -c 'sleep 600 & exit 0' &);"));
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 0, ReportRule::kRequired);
}

TEST_F(FaultsApp, ChildInANewSessionIsGoneAfterAnInterrupt) {
  scenario("setsid", native_behind(native_app(100000), "setsid sleep 600 &"));
  seed_previous_report(ws.reports());
  const ToolRun run = interrupt_when(
      with_dirs({"run", "-v"}),
      [&] { return progress().find("iteration 20/100000") != std::string::npos; }, SIGINT,
      "iteration 20");
  expect_aftermath(run, 130);
}

TEST_F(FaultsApp, AppIgnoringSigtermIsKilled) {
  json m = service_app({"sh", "-c", "trap '' TERM; sleep 600 & echo ready; exec sleep 601"},
                       {{{"waitForOutput", {{"pattern", "ready"}}}}},
                       {{{"exec", {{"argv", {"true"}}}}}});
  m["timeouts"]["shutdownSeconds"] = 1;
  scenario("stubborn", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 0, ReportRule::kRequired);
  expect_message(run, {"killed"});
}

// ~60 KB of output, then the line the pattern looks for.
class FaultsAppOutput : public FaultsApp {
 protected:
  void wait_for(const std::string& pattern, const std::string& last_line, int code) {
    json m = service_app(
        {"sh", "-c",
         "yes 'info: loading module' | head -c 60000; echo; echo '" + last_line +
             "'; exec sleep 600"},
        {{{"waitForOutput", {{"pattern", pattern}, {"stream", "stdout"}}}, {"timeoutSeconds", 3}}},
        {{{"exec", {{"argv", {"true"}}}}}});
    scenario("out", m);
    const ToolRun run = leakgate(with_dirs({"run"}));
    expect_aftermath(run, code, ReportRule::kRequired);
    if (code == 3) expect_message(run, {"waitForOutput"});
  }
};

TEST_F(FaultsAppOutput, AnyCharacterClassBeforeTheLine) {
  wait_for("[\\s\\S]*Now listening", "Now listening on 127.0.0.1", 0);
}
TEST_F(FaultsAppOutput, AlternationRepeatedBeforeTheLine) {
  wait_for("(.|\\n)*Now listening", "Now listening on 127.0.0.1", 0);
}
TEST_F(FaultsAppOutput, TextThatNeverComesTimesOut) {
  wait_for("(.|\\n)*Now listening", "Still loading", 3);
}

TEST_F(FaultsApp, ExecStepThatHangsTimesOut) {
  json m = shell_app(quiet_app());
  m["iteration"] = {{{"exec", {{"argv", {"sh", "-c", "sleep 600"}}}}, {"timeoutSeconds", 1}}};
  scenario("exec", m);
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"exec sh -c"});
}

// ---------------------------------------------------------------------------------------------
// dotnet-dump missing or misbehaving. A protocol app that names a runtime in its hello is judged
// as a .NET process, so leakgate runs dotnet-dump on it.

class FaultsTool : public FaultCase {
 protected:
  const std::string dotnet_app = shell_protocol_app("", "app=shell runtime=10.0.0");
  fs::path fake = ws.root() / "fake-dotnet-dump";

  // A dotnet-dump that reports a version and runs `collect` and `analyze` as given.
  void fake_dotnet_dump(const std::string& collect, const std::string& analyze) {
    make_executable(fake,
                    "#!/bin/sh\ncase \"$1\" in\n  --version) echo 10.0.0-fake ;;\n"
                    "  collect) " +
                        collect + " ;;\n  analyze) " + analyze + " ;;\nesac\n");
  }
  ToolRun run_with_fake() {
    json m = shell_app(dotnet_app);
    m["timeouts"]["collectSeconds"] = 2;
    scenario("app", m);
    // The SOS route: every checkpoint goes through dotnet-dump (the engine's faults have cases of
    // their own).
    return leakgate(with_dirs({"run", "--engine", "sos", "--dotnet-dump", fake.string()}));
  }
};

// A fake collect that writes the dump file named by -o.
constexpr const char* kWriteDump =
    "while [ $# -gt 0 ]; do [ \"$1\" = -o ] && echo dump > \"$2\"; shift; done; exit 0";

TEST_F(FaultsTool, DotnetDumpMissing) {
  scenario("app", shell_app(dotnet_app));
  const ToolRun run =
      leakgate(with_dirs({"run", "--engine", "sos", "--dotnet-dump", "/nonexistent/dotnet-dump"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"/nonexistent/dotnet-dump"});
}

TEST_F(FaultsTool, DotnetDumpThatHangs) {
  fake_dotnet_dump("exec sleep 600", "exec sleep 600");
  const ToolRun run = run_with_fake();
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"dotnet-dump", "timed out"});
}

TEST_F(FaultsTool, DotnetDumpThatCrashes) {
  fake_dotnet_dump("kill -SEGV $$", "kill -SEGV $$");
  const ToolRun run = run_with_fake();
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"dotnet-dump", "signal 11"});
}

TEST_F(FaultsTool, DotnetDumpAnalyzeThatPrintsGarbage) {
  fake_dotnet_dump(kWriteDump, "echo 'Loading core dump...'; echo '%%% not SOS output %%%'");
  const ToolRun run = run_with_fake();
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"SOS output", ".sos.txt"});
}

TEST_F(FaultsTool, AppKilledDuringTheDumpIsBlamedOnTheApp) {
  // Kills the app (the pid after -p), then runs the real dotnet-dump on it.
  make_executable(fake, "#!/bin/sh\n[ \"$1\" = collect ] && kill -9 \"$3\"\ncd '" +
                            source_dir().string() +
                            "' && exec dotnet tool run dotnet-dump -- \"$@\"\n");
  scenario("forms", forms_app(3));
  const ToolRun run = leakgate(with_dirs({"run", "--dotnet-dump", fake.string()}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  const json report = report_at();
  ASSERT_TRUE(report.is_object());
  const json* s = find_scenario(report, "forms");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->value("errorKind", ""), "scenario") << "blamed on the tool: " << s->dump(2);
  const std::string error =
      s->value("error", json()).is_string() ? s->at("error").get<std::string>() : "";
  EXPECT_TRUE(contains_ci(error, "the app exited") || contains_ci(error, "the app was killed") ||
              contains_ci(error, "killed by signal 9"))
      << error;
}

// ---------------------------------------------------------------------------------------------
// The heap engine misbehaving (a stand-in given with --heap-engine): a tool error of the scenario,
// its stderr tail in the message, never a hang of leakgate.

class FaultsEngine : public FaultsTool {
 protected:
  // An engine that greets with `hello`, then does `on_request` for the first request line (with
  // no hello: does it at once).
  ToolRun run_with_engine(const std::string& hello, const std::string& on_request) {
    const fs::path engine = ws.root() / "fake-engine";
    const std::string greet = hello.empty() ? "" : "echo '" + hello + "'\n";
    make_executable(engine, "#!/bin/sh\necho 'engine-stderr-marker: about to misbehave' >&2\n" +
                                greet + (hello.empty() ? "" : "read -r line\n") + on_request +
                                "\n");
    json m = shell_app(dotnet_app);
    m["timeouts"]["collectSeconds"] = 2;
    scenario("app", m);
    return leakgate(with_dirs({"run", "--heap-engine", engine.string()}));
  }
};

constexpr const char* kHello = R"({"v":1,"hello":"leakgate-heap-engine","engineVersion":"9.9.9"})";

TEST_F(FaultsEngine, EngineThatCrashes) {
  const ToolRun run = run_with_engine(kHello, "kill -SEGV $$");
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"heap engine", "engine-stderr-marker"});
}

TEST_F(FaultsEngine, EngineThatHangs) {
  const ToolRun run = run_with_engine(kHello, "exec sleep 600");
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"heap engine", "engine-stderr-marker"});
}

TEST_F(FaultsEngine, EngineThatPrintsGarbage) {
  const ToolRun run = run_with_engine(kHello, "echo '%%% not a reply %%%'; exec sleep 600");
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"heap engine", "not a reply"});
}

TEST_F(FaultsEngine, EngineOfANewerProtocol) {
  const ToolRun run = run_with_engine(
      R"({"v":2,"hello":"leakgate-heap-engine","engineVersion":"2.0.0"})", "exec sleep 600");
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"heap engine", "version 2"});
}

TEST_F(FaultsEngine, EngineThatExitsBeforeItsHello) {
  const ToolRun run = run_with_engine("", "exit 0");
  expect_aftermath(run, 3, ReportRule::kRequired);
  expect_message(run, {"heap engine", "engine-stderr-marker"});
}

// ---------------------------------------------------------------------------------------------
// Command line.

class FaultsCli : public FaultCase {};

TEST_F(FaultsCli, CalibrateWithAnEmptyShard) {
  scenario("s", shell_app(quiet_app()));
  const ToolRun run = leakgate(with_dirs({"calibrate", "--scenario", "s", "--shard", "2/2"}));
  expect_aftermath(run, 2);
  expect_message(run, {"shard"});
}

TEST_F(FaultsCli, ShardBeyondItsCount) {
  scenario("s", shell_app(quiet_app()));
  const ToolRun run = leakgate(with_dirs({"run", "--shard", "3/2"}));
  expect_aftermath(run, 2, ReportRule::kAbsent);
  expect_message(run, {"--shard", "3/2"});
}

// ---------------------------------------------------------------------------------------------
// Untrusted text in the reports.

class FaultsReportText : public FaultCase {};

// Whether every line of `markdown` containing `needle` lies inside a fenced code block whose
// fence is longer than any run of backticks inside the block.
::testing::AssertionResult inside_safe_code_block(const std::string& markdown,
                                                  const std::string& needle) {
  std::istringstream lines(markdown);
  std::string line;
  std::size_t fence = 0;  // length of the open fence, 0 outside a block
  std::size_t longest_inside = 0;
  int found = 0;
  std::vector<std::string> block;
  const auto backtick_run = [](const std::string& s) {
    std::size_t best = 0, run = 0;
    for (char c : s) {
      run = c == '`' ? run + 1 : 0;
      best = std::max(best, run);
    }
    return best;
  };
  const auto fence_of = [](const std::string& s) -> std::size_t {
    std::size_t i = 0;
    while (i < s.size() && i < 3 && s[i] == ' ') ++i;
    std::size_t n = 0;
    while (i + n < s.size() && s[i + n] == '`') ++n;
    return n >= 3 ? n : 0;
  };
  bool needle_in_block = false;
  while (std::getline(lines, line)) {
    const std::size_t f = fence_of(line);
    if (fence == 0) {
      if (line.find(needle) != std::string::npos) {
        return ::testing::AssertionFailure() << "outside any code block: " << line;
      }
      if (f > 0) {
        fence = f;
        longest_inside = 0;
        needle_in_block = false;
      }
      continue;
    }
    // Inside a block: a line of at least `fence` backticks (and nothing else) closes it.
    if (f >= fence && line.find_first_not_of(" `") == std::string::npos) {
      if (needle_in_block && longest_inside >= fence) {
        return ::testing::AssertionFailure()
               << "the fence (" << fence << " backticks) is not longer than a backtick run of "
               << longest_inside << " inside its block";
      }
      fence = 0;
      continue;
    }
    longest_inside = std::max(longest_inside, backtick_run(line));
    if (line.find(needle) != std::string::npos) {
      needle_in_block = true;
      ++found;
    }
  }
  if (fence != 0 && needle_in_block) {
    return ::testing::AssertionFailure() << "the code block is never closed";
  }
  if (found == 0) return ::testing::AssertionFailure() << "\"" << needle << "\" not found";
  return ::testing::AssertionSuccess();
}

TEST_F(FaultsReportText, MarkdownInAppOutputStaysInACodeBlock) {
  scenario("md", shell_app("printf '%s\\n' '```' '![x](http://evil/x.png)' '# Heading' >&2; "
                           "exit 1"));
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 3, ReportRule::kRequired);
  const std::string md = bytes_of(ws.reports() / "summary.md");
  EXPECT_TRUE(inside_safe_code_block(md, "![x](http://evil/x.png)")) << md;
  EXPECT_TRUE(inside_safe_code_block(md, "# Heading")) << md;
}

TEST_F(FaultsReportText, ScenarioNamedLikeAJavascriptUrl) {
  scenario("javascript:alert(1)", shell_app(quiet_app()));
  const ToolRun run = leakgate(with_dirs({"run"}));
  expect_aftermath(run, 0, ReportRule::kRequired);
  const std::string html = bytes_of(ws.reports() / "index.html");
  static const std::regex href(R"re(href\s*=\s*["']?\s*([^"'\s>]*))re", std::regex::icase);
  int hrefs = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator();
       ++it) {
    ++hrefs;
    EXPECT_FALSE(contains_ci((*it)[1].str().substr(0, 11), "javascript:")) << (*it)[0].str();
  }
  EXPECT_GT(hrefs, 0) << "the page links nothing: the check above proved nothing";
  // The Content-Security-Policy: no inline scripts of any origin.
  static const std::regex csp(R"re(Content-Security-Policy"\s+content="([^"]*)")re",
                              std::regex::icase);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(html, m, csp)) << html.substr(0, 600);
  std::string script_src, default_src;
  std::istringstream directives(m[1].str());
  for (std::string d; std::getline(directives, d, ';');) {
    d.erase(0, d.find_first_not_of(' '));
    if (d.rfind("script-src", 0) == 0) script_src = d;
    if (d.rfind("default-src", 0) == 0) default_src = d;
  }
  const std::string effective = script_src.empty() ? default_src : script_src;
  EXPECT_EQ(effective.find("'unsafe-inline'"), std::string::npos) << effective;
}

TEST_F(FaultsReportText, KeptDumpCommandQuotesAReportDirWithAQuote) {
  const fs::path report_dir = ws.root() / "it's $(touch PWNED) here";
  scenario("forms", forms_app(3));
  const ToolRun run = leakgate(with_dirs({"run", "--keep-dumps=always"}, report_dir));
  expect_aftermath(run, 0, ReportRule::kRequired, report_dir);
  const fs::path dump = report_dir / "forms" / "final.dmp";
  ASSERT_TRUE(fs::exists(dump)) << output_of(run);
  // Every printed command, and the report's, run through a shell names exactly that file.
  std::vector<std::string> commands;
  std::istringstream out(run.out);
  for (std::string line; std::getline(out, line);) {
    const auto at = line.find("dotnet-dump analyze ");
    if (at != std::string::npos && line.find("final") != std::string::npos) {
      commands.push_back(line.substr(at));
    }
  }
  const json report = report_at(report_dir);
  ASSERT_TRUE(report.is_object());
  for (const auto& d : find_scenario(report, "forms")->value("keptDumps", json::array())) {
    if (d.value("checkpoint", "") == "final") commands.push_back(d.value("open", ""));
  }
  ASSERT_EQ(commands.size(), 2u) << output_of(run);
  for (const auto& command : commands) {
    const std::string arg = command.substr(std::string("dotnet-dump analyze ").size());
    SpawnSpec sh;
    sh.argv = {"sh", "-c", "printf %s " + arg};
    sh.cwd = ws.root();
    const ToolRun printed = run_to_completion(sh, Deadline(10s));
    EXPECT_EQ(printed.out, fs::absolute(dump).lexically_normal().string()) << command;
  }
  EXPECT_FALSE(fs::exists(ws.root() / "PWNED")) << "the quoted path ran code";
  EXPECT_FALSE(fs::exists(source_dir() / "PWNED"));
}

// ---------------------------------------------------------------------------------------------
// A full disk under the report folder.

class FaultsDisk : public FaultCase {};

TEST_F(FaultsDisk, ReportDirOnAFullDisk) {
  const fs::path dir = ws.root() / "full";
  Tmpfs disk(dir, std::size_t{256} * 1024);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
  seed_previous_report(dir);
  disk.fill(".filler", std::size_t{8} * 1024);
  scenario("quiet-app", shell_app(quiet_app()));
  const ToolRun run = leakgate(with_dirs({"run"}, dir));
  expect_aftermath(run, 3, ReportRule::kAbsentOrTruthful, dir);
  expect_message(run, {"No space left"});
  bool verdict_line = false;
  std::istringstream out(run.out);
  for (std::string line; std::getline(out, line);) {
    verdict_line = verdict_line || (line.find("quiet-app") != std::string::npos &&
                                    line.find("expected pass") != std::string::npos);
  }
  EXPECT_TRUE(verdict_line) << "no verdict line on stdout\n" << output_of(run);
}

TEST_F(FaultsDisk, RawOutputThatDoesNotFit) {
  const fs::path dir = ws.root() / "full";
  Tmpfs disk(dir, std::size_t{512} * 1024);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
  seed_previous_report(dir);
  scenario("chatty", shell_app(shell_protocol_app(
                         "yes 'a line of output that fills the disk' | head -c 1000000; echo")));
  const ToolRun run = leakgate(with_dirs({"run"}, dir));
  expect_aftermath(run, 3, ReportRule::kAbsentOrTruthful, dir);
  expect_message(run, {"No space left", "app.stdout.log"});
}

}  // namespace
}  // namespace leakgate::e2e
