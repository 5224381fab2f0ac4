// End-to-end tests: the real leakgate binary on real .NET scenario apps, with real dotnet-dump.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "e2e/e2e_support.h"

namespace leakgate::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

TEST(Cli, BundledSuitePassesAndItsCanaryIsCaught) {
  Workspace ws;
  const ToolRun run = ws.leakgate({"run", "--scenarios-dir", (source_dir() / "scenarios").string(),
                                   "--baselines-dir", (source_dir() / "baselines").string(),
                                   "--report-dir", ws.reports().string()});
  ASSERT_EQ(run.status.value, 0) << output_of(run);
  const json report = ws.report();
  const json* forms = find_scenario(report, "forms");
  ASSERT_NE(forms, nullptr);
  EXPECT_EQ(forms->at("verdict"), "pass");
  EXPECT_EQ(forms->at("expected"), "pass");
  EXPECT_TRUE(forms->at("findings").empty()) << forms->at("findings").dump(2);

  const json* leak = find_scenario(report, "forms-leak");
  ASSERT_NE(leak, nullptr);
  EXPECT_EQ(leak->at("verdict"), "leak");
  EXPECT_EQ(leak->at("expected"), "leak");
  EXPECT_TRUE(leak->at("met").get<bool>());
  const json* form = nullptr;
  for (const auto& f : leak->at("findings")) {
    if (f.at("type") == "FormsApp.CustomerForm") form = &f;
  }
  ASSERT_NE(form, nullptr) << leak->at("findings").dump(2);
  EXPECT_GE(form->at("growthPerIteration").get<double>(), 1.0);
  EXPECT_EQ(form->at("metric"), "instances");
  EXPECT_TRUE(form->contains("baseline"));
  EXPECT_TRUE(form->contains("actual"));

  // The raw tool output is kept beside the report.
  for (const auto& cp : leak->at("checkpoints")) {
    for (const auto& raw : cp.at("raw")) {
      EXPECT_TRUE(fs::exists(ws.reports() / "forms-leak" / raw.at("path").get<std::string>()));
    }
  }
  EXPECT_NE(run.out.find("FormsApp.CustomerForm"), std::string::npos) << run.out;

  // What holds the leak: one leak for one missing unsubscribe, headed by the form, rooted at the
  // static event, with the other growing types under it or on its path.
  ASSERT_TRUE(leak->contains("leaks")) << leak->dump(2);
  ASSERT_EQ(leak->at("leaks").size(), 1u) << leak->at("leaks").dump(2);
  const json& one = leak->at("leaks").at(0);
  EXPECT_EQ(one.at("head"), "FormsApp.CustomerForm");
  EXPECT_EQ(one.at("root").at("kind"), "static");
  EXPECT_EQ(one.at("root").at("name"), "FormsApp.ThemeService.ThemeChanged");
  EXPECT_EQ(one.at("path").back().at("type"), "FormsApp.CustomerForm");
  EXPECT_EQ(one.at("members").size(), leak->at("findings").size()) << one.at("members").dump(2);
  EXPECT_NE(one.at("text").get<std::string>().find("._invocationList"), std::string::npos);
  EXPECT_GT(one.at("retained").at("bytesPerIteration").get<double>(), 1000.0);
  EXPECT_NE(run.out.find("leak: FormsApp.CustomerForm"), std::string::npos) << run.out;
  // Every managed finding of the leak is told by the leak's path.
  ASSERT_TRUE(form->contains("retentionPaths")) << form->dump(2);
  EXPECT_EQ(form->at("retentionPaths").at(0).at("rootKind"), "static");

  // Each canary: one leak, headed by the planted type, at the planted root.
  const auto one_leak = [&](const char* scenario, const char* head, const char* root_kind,
                            const char* root) {
    const json* s = find_scenario(report, scenario);
    ASSERT_NE(s, nullptr) << scenario;
    ASSERT_TRUE(s->contains("leaks")) << scenario << ": " << s->dump(2);
    ASSERT_EQ(s->at("leaks").size(), 1u) << scenario << ": " << s->at("leaks").dump(2);
    const json& l = s->at("leaks").at(0);
    EXPECT_EQ(l.at("head"), head) << scenario;
    EXPECT_EQ(l.at("root").at("kind"), root_kind) << scenario << ": " << l.at("text");
    EXPECT_EQ(l.at("root").at("name"), root) << scenario << ": " << l.at("text");
    int first_new = 0;
    for (const auto& hop : l.at("path")) first_new += hop.value("firstNew", false) ? 1 : 0;
    EXPECT_EQ(first_new, 1) << scenario << ": " << l.at("text");
  };
  one_leak("pattern-timer-leak", "PatternsApp.StatusPoller", "static",
           "System.Threading.TimerQueue.Instances");
  one_leak("pattern-static-cache-leak", "PatternsApp.CachedResponse", "static",
           "PatternsApp.StaticCachePattern.Cache");
  one_leak("pattern-cancellation-leak", "PatternsApp.PendingOperation", "static",
           "PatternsApp.CancellationPattern.ApplicationStopping");
  one_leak("pattern-closure-leak", "PatternsApp.ReportView", "static",
           "PatternsApp.ClosurePattern.ConfigurationReloaded");
  one_leak("pattern-blocked-finalizer-leak", "PatternsApp.ThumbnailHandle", "finalizer queue", "");
  one_leak("web-service-leak", "RequestContext", "static", "RequestAudit.Kept");
  // A controller's static field, which .NET 10 keeps in its statics array, named as the field.
  one_leak("web-controller-leak", "OrderSnapshot", "static", "OrdersController.SnapshotCache");
  // Three causes in one service: three leaks, each at its own root.
  const json* three = find_scenario(report, "web-three-leaks");
  ASSERT_NE(three, nullptr);
  ASSERT_EQ(three->at("leaks").size(), 3u) << three->at("leaks").dump(1);
  std::map<std::string, std::string> three_roots;
  for (const auto& l : three->at("leaks")) three_roots[l.at("head")] = l.at("root").at("name");
  EXPECT_EQ(three_roots["QuoteView"], "PriceFeed.PriceChanged");
  EXPECT_EQ(three_roots["RequestContext"], "RequestAudit.Kept");
  EXPECT_EQ(three_roots["OrderSnapshot"], "OrdersController.SnapshotCache");

  // A .NET scenario carries the memory summary and its reconciliation with the GC heap.
  const json& final_cp = forms->at("checkpoints").back();
  ASSERT_TRUE(final_cp.contains("memory")) << final_cp.dump();
  EXPECT_GT(final_cp.at("memory").at("categories").at("Other Data").at("kbytes").get<int>(), 0);
  ASSERT_TRUE(final_cp.contains("reconciliation"));
  const json& rec = final_cp.at("reconciliation");
  EXPECT_GT(rec.at("gcHeapResidentKb").get<int>(), 0);
  // Split by owner (the heap engine listed the runtime's ranges): each mapping counted once.
  EXPECT_TRUE(rec.at("split").get<bool>());
  EXPECT_EQ(rec.at("otherDataKb").get<int>(),
            rec.at("gcOwnedKb").get<int>() + rec.at("runtimeCodeKb").get<int>() +
                rec.at("runtimeDataKb").get<int>() + rec.at("unexplainedKb").get<int>());
  EXPECT_EQ(rec.at("gcOwnedKb").get<int>(),
            rec.at("gcHeapResidentKb").get<int>() + rec.at("gcOtherResidentKb").get<int>());

  // The native pair: SOS skipped by itself, the memory summary decides.
  const json* native = find_scenario(report, "native");
  ASSERT_NE(native, nullptr);
  EXPECT_EQ(native->at("verdict"), "pass") << native->at("findings").dump(2);
  const json* native_leak = find_scenario(report, "native-leak");
  ASSERT_NE(native_leak, nullptr);
  EXPECT_EQ(native_leak->at("verdict"), "leak");
  EXPECT_TRUE(native_leak->at("met").get<bool>());
  bool heap_finding = false;
  for (const auto& f : native_leak->at("findings")) {
    if (f.at("kind") == "memory" && f.at("type") == "Heap") {
      heap_finding = true;
      EXPECT_EQ(f.at("metric"), "workingSetKb");
      EXPECT_GE(f.at("growthPerIteration").get<double>(), 90.0);  // 96 KiB kept per iteration
    }
  }
  EXPECT_TRUE(heap_finding) << native_leak->at("findings").dump(2);
  EXPECT_NE(native_leak->at("info").dump().find("not a .NET process"), std::string::npos);
  EXPECT_FALSE(native_leak->at("checkpoints").back().contains("heap"));

  // A blocked finalizer thread: the objects it should have finalized pile up on its queue.
  const json* finalizer = find_scenario(report, "pattern-blocked-finalizer-leak");
  ASSERT_NE(finalizer, nullptr);
  EXPECT_TRUE(finalizer->at("met").get<bool>()) << finalizer->at("findings").dump(2);
  EXPECT_NE(finalizer->at("notes").dump().find("finalizerBlocked=true"), std::string::npos);

  // The web service: driven over HTTP only, settled from the outside, gone afterwards.
  for (const char* name : {"web-service", "web-service-leak"}) {
    const json* web = find_scenario(report, name);
    ASSERT_NE(web, nullptr) << name;
    EXPECT_TRUE(web->at("met").get<bool>()) << web->at("findings").dump(2);
    for (const auto& cp : web->at("checkpoints")) {
      // Settled on what the GC says (the heap engine's gc op), not on resident memory alone.
      const std::string settled = cp.at("settledBy").get<std::string>();
      EXPECT_NE(settled.find("induced full blocking GC"), std::string::npos) << cp.dump();
      EXPECT_NE(settled.find("the GC's allocated bytes and the memory it does not own"),
                std::string::npos)
          << settled;
    }
    const std::string log = read(ws.reports() / name / "app.stdout.log");
    const auto at = log.find("Now listening on: http://127.0.0.1:");
    ASSERT_NE(at, std::string::npos) << log;
    EXPECT_EQ(log.find("Now listening on:", at + 1), std::string::npos) << "one address only";
    const int port =
        std::stoi(log.substr(at + std::string("Now listening on: http://127.0.0.1:").size()));
    EXPECT_FALSE(listening_on(port)) << name << " left port " << port << " listening";
  }
  // The service traps on the default Server GC (a 256 MiB spike per request; a thread-pool and
  // connection-pool burst) pass; its native canary is caught as native memory. Every one of them
  // records the GC's configuration, though none speaks the protocol.
  for (const char* name : {"service-spike", "service-burst", "service-native-leak"}) {
    const json* s = find_scenario(report, name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_TRUE(s->at("met").get<bool>()) << name << ": " << s->at("findings").dump(2);
    const json& facts = s->at("runtime");
    EXPECT_EQ(facts.value("gc", ""), "server") << facts.dump();
    EXPECT_EQ(facts.value("gcHardLimit", ""), "none") << facts.dump();
    EXPECT_EQ(facts.value("concurrent", ""), "true") << facts.dump();
    EXPECT_TRUE(facts.contains("gcHeaps") && facts.contains("datas")) << facts.dump();
  }
  bool native_heap = false;
  for (const auto& f : find_scenario(report, "service-native-leak")->at("findings")) {
    if (f.at("type") == "Heap" && f.value("owner", "") == "native") native_heap = true;
  }
  EXPECT_TRUE(native_heap) << find_scenario(report, "service-native-leak")->at("findings").dump(2);
  EXPECT_NE(run.out.find("native memory: neither the GC nor the runtime holds it"),
            std::string::npos)
      << run.out;
  EXPECT_TRUE(ws.leftovers().empty());

  // The whole run judged again from its raw output: the same verdicts and findings, exactly.
  const fs::path again = ws.root() / "rejudged";
  const ToolRun rejudge = ws.leakgate(
      {"rejudge", ws.reports().string(), "--scenarios-dir", (source_dir() / "scenarios").string(),
       "--baselines-dir", (source_dir() / "baselines").string(), "--report-dir", again.string()});
  ASSERT_EQ(rejudge.status.value, 0) << output_of(rejudge);
  const json rejudged = json::parse(read(again / "report.json"));
  ASSERT_EQ(rejudged.at("scenarios").size(), report.at("scenarios").size());
  for (const auto& was : report.at("scenarios")) {
    const json* now = find_scenario(rejudged, was.at("name").get<std::string>());
    ASSERT_NE(now, nullptr) << was.at("name");
    EXPECT_EQ(now->at("verdict"), was.at("verdict")) << was.at("name");
    EXPECT_EQ(now->at("met"), was.at("met")) << was.at("name");
    EXPECT_EQ(now->at("findings"), was.at("findings")) << was.at("name");
    EXPECT_EQ(now->at("checkpoints"), was.at("checkpoints")) << was.at("name");
  }
}

// A recorded run judged by today's settings: a canary's expectation turned around is missed (exit
// 1) though nothing ran again; the recorded folder is never the new report's.
// `leakgate rejudge` of the workspace's report folder into `out`.
ToolRun rejudge_into(Workspace& ws, const fs::path& out) {
  return ws.leakgate({"rejudge", ws.reports().string(), "--scenarios-dir", ws.scenarios().string(),
                      "--baselines-dir", ws.baselines().string(), "--report-dir", out.string()});
}

TEST(Cli, RejudgeUsesTheCurrentManifestAndLeavesTheRecordingAlone) {
  Workspace ws;
  ws.add_forms_scenario("leaky", "leak", "leak", 6);
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  ASSERT_EQ(run.status.value, 0) << output_of(run);
  const std::string recorded = read(ws.reports() / "report.json");

  ws.add_forms_scenario("leaky", "leak", "pass", 6);
  const fs::path again = ws.root() / "again";
  const ToolRun rejudge = rejudge_into(ws, again);
  EXPECT_EQ(rejudge.status.value, 1) << output_of(rejudge);
  const json rejudged = json::parse(read(again / "report.json"));
  const json* leaky = find_scenario(rejudged, "leaky");
  ASSERT_NE(leaky, nullptr);
  EXPECT_EQ(leaky->at("verdict"), "leak");
  EXPECT_FALSE(leaky->at("met").get<bool>());

  const ToolRun into_itself = ws.leakgate(
      {"rejudge", ws.reports().string(), "--scenarios-dir", ws.scenarios().string(),
       "--baselines-dir", ws.baselines().string(), "--report-dir", ws.reports().string()});
  EXPECT_EQ(into_itself.status.value, 2) << output_of(into_itself);
  EXPECT_EQ(read(ws.reports() / "report.json"), recorded) << "the recorded report was changed";
}

TEST(Cli, GcInducesAFullCollectionInARunningApp) {
  Workspace ws;
  const auto app = start_protocol_app({"dotnet", forms_app().string(), "--variant", "correct"},
                                      {{"TMPDIR", ws.tmp().string()}});
  ChildProcess& child = *app;
  int seq = 0;
  // The app's own count of full collections, read through a settle (which runs two of them).
  const auto gen2_after_settle = [&] {
    const std::string line = request(child, std::to_string(++seq) + " settle");
    const auto at = line.find("gen2Collections=");
    EXPECT_NE(at, std::string::npos) << line;
    return at == std::string::npos ? -1 : std::stoi(line.substr(at + 16));
  };
  const int before = gen2_after_settle();
  const int plain = gen2_after_settle();
  const ToolRun gc = ws.leakgate({"gc", "--pid", std::to_string(child.pid())});
  ASSERT_EQ(gc.status.value, 0) << output_of(gc);
  const int induced = gen2_after_settle();
  EXPECT_EQ(plain - before, 2) << "a settle runs two full collections";
  EXPECT_GE(induced - plain, 3) << "leakgate gc added no full collection";
  EXPECT_FALSE(child.wait(Deadline(0ms))) << "the app must keep running";

  // Not a .NET process: exit 3, the socket it looked for named.
  const ToolRun not_dotnet = ws.leakgate({"gc", "--pid", std::to_string(::getpid())});
  EXPECT_EQ(not_dotnet.status.value, 3);
  EXPECT_NE(not_dotnet.err.find("no diagnostics socket"), std::string::npos) << not_dotnet.err;
}

TEST(Cli, SummaryOfARunningProcessMatchesTheKernelsTotals) {
  Workspace ws;
  const auto app = start_protocol_app(
      {(fs::path(LEAKGATE_BIN).parent_path() / "native-scenario").string(), "--variant", "leak"});
  ChildProcess& child = *app;
  const std::string line = request(child, "1 work 50");
  ASSERT_EQ(line.rfind("@leakgate ok 1", 0), 0u) << line;
  const std::string pid = std::to_string(child.pid());

  const ToolRun table = ws.leakgate({"summary", "--pid", pid});
  ASSERT_EQ(table.status.value, 0) << output_of(table);
  for (const char* label : {"Page Table Pages", "Other System", "Code/StaticData", "Heap", "Stack",
                            "Mapped Data", "Other Data", "Total Modules", "Total Dynamic Data",
                            "Total System", "Grand Total Working Set"}) {
    EXPECT_NE(table.out.find(label), std::string::npos) << label << "\n" << table.out;
  }
  // Grand Total Working Set KBytes (second number of its row) against smaps_rollup Rss + VmPTE.
  std::istringstream rows(table.out.substr(table.out.find("Grand Total Working Set") + 23));
  std::uint64_t pages = 0, kbytes = 0;
  rows >> pages >> kbytes;
  const std::string rollup = read("/proc/" + pid + "/smaps_rollup");
  const std::string status = read("/proc/" + pid + "/status");
  auto field = [](const std::string& text, const std::string& name) {
    const auto at = text.find(name + ":");
    return std::stoull(text.substr(at + name.size() + 1));
  };
  const double expected = static_cast<double>(field(rollup, "Rss") + field(status, "VmPTE"));
  EXPECT_NEAR(static_cast<double>(kbytes), expected, expected * 0.01) << table.out;

  const ToolRun as_json = ws.leakgate({"summary", "--pid", pid, "--json", "--modules"});
  ASSERT_EQ(as_json.status.value, 0) << output_of(as_json);
  const json summary = json::parse(as_json.out);
  std::uint64_t sum = 0;
  for (const auto& [name, row] : summary.at("categories").items()) {
    sum += row.at("kbytes").get<std::uint64_t>();
  }
  EXPECT_EQ(sum,
            summary.at("totals").at("Grand Total Working Set").at("kbytes").get<std::uint64_t>());
  EXPECT_GE(summary.at("categories").at("Heap").at("kbytes").get<std::uint64_t>(), 50u * 96u);
  EXPECT_NE(summary.at("modules").dump().find("libc.so"), std::string::npos);

  EXPECT_FALSE(child.wait(Deadline(0ms))) << "summary must leave the process running";
  EXPECT_EQ(ws.leakgate({"summary", "--pid", "999999999"}).status.value, 2);
}

TEST(Cli, CanaryExpectedToPassFailsWithExitOne) {
  Workspace ws;
  ws.add_forms_scenario("forms-leak", "leak", "pass", 10);
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run", "--scenario", "forms-leak"}));
  EXPECT_EQ(run.status.value, 1) << output_of(run);
  const json report = ws.report();
  const json* s = find_scenario(report, "forms-leak");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->at("verdict"), "leak");
  EXPECT_FALSE(s->at("met").get<bool>());
  EXPECT_TRUE(ws.leftovers().empty());
}

TEST(Cli, BaselineUpdateRoundTripDoesNotChurn) {
  Workspace ws;
  ws.add_forms_scenario("forms", "correct", "pass", 10);
  auto with = [&](std::vector<std::string> args) { return dirs_of(ws, std::move(args)); };
  const fs::path file = ws.baselines() / "forms.json";

  ToolRun run = ws.leakgate(with({"baseline", "update", "--scenario", "forms"}));
  ASSERT_EQ(run.status.value, 0) << output_of(run);
  ASSERT_TRUE(fs::exists(file));
  const std::string first = read(file);
  const json baseline = json::parse(first);
  EXPECT_EQ(baseline.at("scenario"), "forms");
  EXPECT_TRUE(baseline.at("types").contains("System.String"));
  EXPECT_TRUE(baseline.at("recordedWith").contains("runtime"));

  run = ws.leakgate(with({"baseline", "update", "--scenario", "forms"}));
  ASSERT_EQ(run.status.value, 0) << output_of(run);
  EXPECT_EQ(read(file), first) << output_of(run);
  EXPECT_NE(run.out.find("unchanged"), std::string::npos) << run.out;

  run = ws.leakgate(with({"run", "--scenario", "forms"}));
  ASSERT_EQ(run.status.value, 0) << output_of(run);
  const json report = ws.report();
  ASSERT_NE(find_scenario(report, "forms"), nullptr);
  EXPECT_TRUE(find_scenario(report, "forms")->at("hasBaseline").get<bool>());
}

TEST(Cli, BaselineUpdateRefusesGrowthInAPassScenario) {
  Workspace ws;
  ws.add_forms_scenario("leaky", "leak", "pass", 10);
  const ToolRun run = ws.leakgate(dirs_of(ws, {"baseline", "update", "--scenario", "leaky"}));
  EXPECT_EQ(run.status.value, 1) << output_of(run);
  EXPECT_NE(run.out.find("refusing"), std::string::npos) << run.out;
  // The hint says how to go on from a refusal, not to record a baseline (what was just refused).
  EXPECT_NE(run.out.find("fix the leak, or pass --accept-growth"), std::string::npos) << run.out;
  EXPECT_EQ(output_of(run).find("record one with"), std::string::npos) << output_of(run);
  EXPECT_EQ(ws.report().dump().find("record one with"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(ws.baselines()));
}

TEST(Cli, MalformedManifestExitsTwoNamingFileAndField) {
  Workspace ws;
  ws.write("scenarios/bad/scenario.json",
           R"({"expect": "pass", "launch": {"argv": ["dotnet"]},
               "iteration": [{"command": "x"}], "iteratons": 3})");
  const ToolRun run = ws.leakgate(
      {"run", "--scenarios-dir", ws.scenarios().string(), "--report-dir", ws.reports().string()});
  EXPECT_EQ(run.status.value, 2) << output_of(run);
  EXPECT_NE(run.err.find("scenarios/bad/scenario.json"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("iteratons"), std::string::npos) << run.err;
  // No scenario ran: the report says the run was aborted, and why.
  const json report = ws.report();
  EXPECT_TRUE(report.at("scenarios").empty());
  EXPECT_EQ(report.at("aborted").at("kind"), "input");
  EXPECT_NE(report.at("aborted").at("message").get<std::string>().find("iteratons"),
            std::string::npos);
  EXPECT_EQ(report.at("summary").at("exitCode"), 2);
}

TEST(Cli, InvalidBaselineExitsTwo) {
  Workspace ws;
  ws.add_forms_scenario("forms", "correct", "pass", 3);
  ws.write("baselines/forms.json", R"({"schemaVersion": 1, "scenario": "forms"})");
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  EXPECT_EQ(run.status.value, 2) << output_of(run);
  EXPECT_NE(run.err.find("forms.json: /iterations"), std::string::npos) << run.err;
}

TEST(Cli, BadUsageExitsTwo) {
  Workspace ws;
  EXPECT_EQ(ws.leakgate({"run", "--no-such-option"}).status.value, 2);
  EXPECT_EQ(ws.leakgate({}).status.value, 2);
  const ToolRun unknown = ws.leakgate(
      {"run", "--scenario", "nope", "--scenarios-dir", (source_dir() / "scenarios").string()});
  EXPECT_EQ(unknown.status.value, 2);
  EXPECT_NE(unknown.err.find("unknown scenario 'nope'"), std::string::npos) << unknown.err;
}

TEST(Cli, CrashMidRunExitsThreeAndLeavesNoProcess) {
  Workspace ws;
  const std::string marker = unique_marker();
  ws.add_forms_scenario("crashy", "correct", "pass", 10, {"--crash-after", "4", "--spawn-child"},
                        marker);
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  EXPECT_EQ(run.status.value, 3) << output_of(run);
  const json report = ws.report();
  const json* s = find_scenario(report, "crashy");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->at("verdict"), "error");
  const std::string error = s->at("error").get<std::string>();
  EXPECT_NE(error.find("exit code 42"), std::string::npos) << error;
  EXPECT_NE(error.find("simulated crash"), std::string::npos) << error;  // the stderr tail
  EXPECT_TRUE(processes_with_marker(marker).empty());
  EXPECT_TRUE(ws.leftovers().empty());
}

TEST(Cli, HungAppTimesOutWithExitThreeAndLeavesNoProcess) {
  Workspace ws;
  const std::string marker = unique_marker();
  ws.add_forms_scenario("hangs", "correct", "pass", 10, {"--hang-after", "3", "--spawn-child"},
                        marker);
  // A short command timeout: the hang is the app's, the deadline is the manifest's.
  json manifest = json::parse(read(ws.scenarios() / "hangs" / "scenario.json"));
  manifest["timeouts"] = {{"commandSeconds", 2}};
  ws.write("scenarios/hangs/scenario.json", manifest.dump());
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  EXPECT_EQ(run.status.value, 3) << output_of(run);
  const json report = ws.report();
  const json* s = find_scenario(report, "hangs");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->at("verdict"), "error");
  EXPECT_NE(s->at("error").get<std::string>().find("no reply within"), std::string::npos)
      << s->at("error");
  EXPECT_TRUE(processes_with_marker(marker).empty());
  EXPECT_TRUE(ws.leftovers().empty());
}

TEST(Cli, AnAppThatNeverSettlesIsAnErrorNotALeak) {
  Workspace ws;
  ws.add_forms_scenario("churn", "correct", "pass", 3, {"--churn"});
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  EXPECT_EQ(run.status.value, 3) << output_of(run);
  const json report = ws.report();
  const json* s = find_scenario(report, "churn");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->at("verdict"), "error");
  EXPECT_NE(s->at("error").get<std::string>().find("did not settle"), std::string::npos)
      << s->at("error");
  EXPECT_TRUE(ws.leftovers().empty());
}

TEST(Cli, MissingDotnetDumpExitsThree) {
  Workspace ws;
  ws.add_forms_scenario("forms", "correct", "pass", 2);
  const ToolRun run =
      ws.leakgate({"run", "--scenarios-dir", ws.scenarios().string(), "--report-dir",
                   ws.reports().string(), "--dotnet-dump", "/nonexistent/dotnet-dump"});
  EXPECT_EQ(run.status.value, 3) << output_of(run);
  EXPECT_NE(run.out.find("/nonexistent/dotnet-dump"), std::string::npos) << run.out;
}

TEST(Cli, InterruptStopsTheRunAndLeavesNothingBehind) {
  Workspace ws;
  const std::string marker = unique_marker();
  ws.add_forms_scenario("long", "correct", "pass", 1000000, {}, marker);
  SpawnSpec spec = ws.leakgate_spec(
      {"run", "--scenarios-dir", ws.scenarios().string(), "--report-dir", ws.reports().string()});
  ChildProcess leakgate(spec);
  // Wait until the app has been through a checkpoint and is in its round trips.
  const fs::path transcript = ws.reports() / "long" / "protocol.log";
  const Deadline driven(120s);
  while (read(transcript).find("< @leakgate ok 5 ") == std::string::npos && !driven.expired()) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_NE(read(transcript).find("< @leakgate ok 5 "), std::string::npos) << read(transcript);
  ASSERT_FALSE(processes_with_marker(marker).empty()) << "the scenario app is not running";
  ::kill(leakgate.pid(), SIGINT);
  const auto status = leakgate.wait(Deadline(60s));
  ASSERT_TRUE(status) << "leakgate did not stop after SIGINT";
  EXPECT_EQ(status->value, 130) << status->describe() << "\n" << leakgate.stderr_text();
  EXPECT_TRUE(processes_with_marker(marker).empty());
  EXPECT_TRUE(ws.leftovers().empty());
}

// Runs the workspace's suite, which must exit 0, and gives the named scenario's report entry.
json run_and_find(Workspace& ws, const std::string& name) {
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  EXPECT_EQ(run.status.value, 0) << output_of(run);
  const json report = ws.report();
  const json* s = find_scenario(report, name);
  return s == nullptr ? json() : *s;
}

// Checkpoint labels of a scenario's report entry.
std::vector<std::string> checkpoint_labels(const json& scenario) {
  std::vector<std::string> labels;
  for (const auto& cp : scenario.at("checkpoints")) labels.push_back(cp.at("label"));
  return labels;
}

// 20 iterations of one unit after 5 of warm-up: checkpoints after units 5, 11, 18 and 25. A leak
// that begins at unit 16 (96 KiB a unit) makes 288 KB in the second stretch and 672 in the last,
// which carries 70% of the growth; only another stretch tells it from a one-off step, and the run
// goes on for one.
TEST(Cli, ALeakThatBeginsLateIsCaughtByRunningOn) {
  Workspace ws;
  ws.add_native_scenario("late", std::vector<std::string>{"--keep-from", "16"}, "leak", 20);
  const json found = run_and_find(ws, "late");
  ASSERT_TRUE(found.is_object()) << "no report entry for late";
  const json* s = &found;
  EXPECT_EQ(s->at("verdict"), "leak") << s->dump(2);
  EXPECT_EQ(
      checkpoint_labels(*s),
      (std::vector<std::string>{"warmup", "iteration-6", "iteration-13", "final", "extended-27"}));
  EXPECT_EQ(s->at("iterations"), 27);
  EXPECT_NE(s->at("notes").dump().find("one step carries most of the growth"), std::string::npos)
      << s->at("notes").dump(2);
  ASSERT_FALSE(s->at("findings").empty());
  EXPECT_EQ(s->at("findings")[0].at("type"), "Heap");

  // Judged anew from its recorded checkpoints, the run says again why it went on.
  const fs::path again = ws.root() / "again";
  const ToolRun rejudge = rejudge_into(ws, again);
  EXPECT_EQ(rejudge.status.value, 0) << output_of(rejudge);
  const json rejudged = json::parse(read(again / "report.json"));
  const json* r = find_scenario(rejudged, "late");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->at("verdict"), "leak");
  EXPECT_EQ(r->at("notes"), s->at("notes"));
}

// A 16 MiB table built once at unit 22 (iteration 17) and kept: one late step. Two more stretches
// show it does not go on: no finding.
TEST(Cli, AOneOffLateStepIsNotALeak) {
  Workspace ws;
  ws.add_native_scenario("step", std::vector<std::string>{"--one-off-at", "22"}, "pass", 20);
  const json found = run_and_find(ws, "step");
  ASSERT_TRUE(found.is_object()) << "no report entry for step";
  const json* s = &found;
  EXPECT_EQ(s->at("verdict"), "pass") << s->dump(2);
  EXPECT_TRUE(s->at("findings").empty());
  EXPECT_EQ(checkpoint_labels(*s),
            (std::vector<std::string>{"warmup", "iteration-6", "iteration-13", "final",
                                      "extended-27", "extended-34"}));
}

TEST(Cli, CalibrateStoresTheSpreadAndTheNextRunUsesIt) {
  Workspace ws;
  ws.add_native_scenario("native", "correct", "pass", 5);
  ToolRun run = ws.leakgate(dirs_of(ws, {"calibrate", "--scenario", "native", "--runs", "3"}));
  ASSERT_EQ(run.status.value, 0) << output_of(run);
  const json baseline = json::parse(read(ws.baselines() / "native.json"));
  ASSERT_TRUE(baseline.contains("calibration")) << baseline.dump(2);
  EXPECT_EQ(baseline.at("calibration").at("runs"), 3);
  EXPECT_TRUE(baseline.at("calibration").at("memoryKb").contains("Heap"));
  run = ws.leakgate(dirs_of(ws, {"run"}));
  ASSERT_EQ(run.status.value, 0) << output_of(run);
  const json report = ws.report();
  EXPECT_NE(find_scenario(report, "native")->at("info").dump().find("calibration over 3 runs"),
            std::string::npos);
}

TEST(Cli, AnotherRuntimeInTheBaselineIsReportedAndFailsWithStrictEnv) {
  Workspace ws;
  ws.add_forms_scenario("forms", "correct", "pass", 4);
  ASSERT_EQ(ws.leakgate(dirs_of(ws, {"baseline", "update"})).status.value, 0);
  json baseline = json::parse(read(ws.baselines() / "forms.json"));
  baseline["recordedWith"]["runtime"] = "9.0.1";
  ws.write("baselines/forms.json", baseline.dump(2));
  ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  EXPECT_EQ(run.status.value, 0) << output_of(run);
  EXPECT_NE(run.out.find("baseline recorded with runtime=9.0.1"), std::string::npos) << run.out;
  run = ws.leakgate(dirs_of(ws, {"run", "--strict-env"}));
  EXPECT_EQ(run.status.value, 2) << output_of(run);
  const json report = ws.report();
  EXPECT_NE(find_scenario(report, "forms")->at("error").get<std::string>().find("runtime=9.0.1"),
            std::string::npos);
}

TEST(Cli, AcceptedGrowthIsRecordedWithItsReason) {
  Workspace ws;
  ws.add_native_scenario("grows", "leak", "pass", 5);
  ToolRun run = ws.leakgate(dirs_of(ws, {"baseline", "update"}));
  EXPECT_EQ(run.status.value, 1) << output_of(run);
  EXPECT_FALSE(fs::exists(ws.baselines() / "grows.json"));
  run = ws.leakgate(
      dirs_of(ws, {"baseline", "update", "--accept-growth", "document cache, bounded in prod"}));
  ASSERT_EQ(run.status.value, 0) << output_of(run);
  const json baseline = json::parse(read(ws.baselines() / "grows.json"));
  EXPECT_EQ(baseline.at("acceptedGrowth"), "document cache, bounded in prod");
}

TEST(Cli, KnownLeaksAreSuppressedAndStaleOnesReported) {
  Workspace ws;
  ws.add_native_scenario("grows", "leak", "pass", 5);
  ws.write("baselines/known-leaks.json", R"({"schemaVersion": 1, "entries": [
      {"scenario": "grows", "type": "Heap", "reason": "vendor library keeps its buffers"},
      {"scenario": "*", "type": "Stack", "reason": "fixed long ago"}]})");
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  EXPECT_EQ(run.status.value, 0) << output_of(run);
  const json report = ws.report();
  const json* s = find_scenario(report, "grows");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->at("verdict"), "pass");
  ASSERT_EQ(s->at("suppressed").size(), 1u);
  EXPECT_EQ(s->at("suppressed")[0].at("knownLeakReason"), "vendor library keeps its buffers");
  ASSERT_EQ(report.at("staleKnownLeaks").size(), 1u);
  EXPECT_EQ(report.at("staleKnownLeaks")[0].at("type"), "Stack");
  EXPECT_NE(run.out.find("stale known leak"), std::string::npos) << run.out;
}

TEST(Cli, HeapstatAndRootsOnARunningAppLeaveItRunningAndNoDump) {
  Workspace ws;
  const auto app = start_protocol_app(
      {"dotnet", forms_app().string(), "--variant", "leak"},
      {{"TMPDIR", ws.tmp().string()},  // where the diagnostics socket is, as for leakgate
       {"DOTNET_TieredCompilation", "0"}});
  ChildProcess& child = *app;
  request(child, "1 open-close 6");
  const std::string pid = std::to_string(child.pid());

  const ToolRun heapstat = ws.leakgate({"heapstat", "--pid", pid, "--json"});
  ASSERT_EQ(heapstat.status.value, 0) << output_of(heapstat);
  const json stats = json::parse(heapstat.out);
  EXPECT_GT(stats.at("gcHeap").at("allocatedBytes").get<std::uint64_t>(), 0u);
  bool forms = false;
  for (const auto& t : stats.at("types")) {
    if (t.at("type") == "FormsApp.CustomerForm") forms = t.at("count").get<int>() == 6;
  }
  EXPECT_TRUE(forms) << heapstat.out;

  // The heap engine (default) and SOS's gcroot on a dump (--engine sos) name the same static.
  for (const char* reader : {"engine", "sos"}) {
    const ToolRun roots =
        ws.leakgate({"roots", "--pid", pid, "--type", "FormsApp.CustomerForm", "--engine", reader});
    ASSERT_EQ(roots.status.value, 0) << reader << ": " << output_of(roots);
    EXPECT_NE(roots.out.find("static FormsApp.ThemeService.ThemeChanged -> "), std::string::npos)
        << reader << ": " << roots.out;
    EXPECT_NE(roots.out.find("-> FormsApp.CustomerForm"), std::string::npos) << roots.out;
    if (std::string(reader) == "engine") {
      // The leak trace a run prints: the root, the fields of every hop, the suspect reference.
      EXPECT_NE(roots.out.find("leak trace: FormsApp.CustomerForm  6 instance(s)"),
                std::string::npos)
          << roots.out;
      EXPECT_NE(roots.out.find("   static FormsApp.ThemeService.ThemeChanged\n"), std::string::npos)
          << roots.out;
      EXPECT_NE(roots.out.find("._invocationList"), std::string::npos) << roots.out;
      EXPECT_NE(roots.out.find("suspect reference: "), std::string::npos) << roots.out;
    }
  }

  EXPECT_FALSE(child.wait(Deadline(0ms))) << "the app must keep running";
  EXPECT_TRUE(ws.leftovers().empty());
  EXPECT_EQ(ws.leakgate({"roots", "--pid", pid, "--type", "NoSuchType"}).status.value, 2);
}

TEST(Cli, AnAppThatNeverBecomesReadyFailsNamingTheCondition) {
  Workspace ws;
  const std::string marker = unique_marker();
  ws.write("scenarios/never-ready/scenario.json",
           json{{"expect", "pass"},
                {"launch",
                 {{"argv", {"/bin/sh", "-c", "echo starting up; exec sleep 600"}},
                  {"protocol", false},
                  {"env", {{"LEAKGATE_E2E_MARKER", marker}}}}},
                {"ready", {{{"waitForPort", {{"port", "${port}"}}}, {"timeoutSeconds", 2}}}},
                {"iteration", {{{"http", {{"url", "http://127.0.0.1:${port}/"}}}}}},
                {"iterations", 2}}
               .dump(2));
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  EXPECT_EQ(run.status.value, 3) << output_of(run);
  const json report = ws.report();
  const std::string error = find_scenario(report, "never-ready")->at("error").get<std::string>();
  EXPECT_NE(error.find("waitForPort 127.0.0.1:"), std::string::npos) << error;
  EXPECT_NE(error.find("nothing accepted connections"), std::string::npos) << error;
  EXPECT_NE(error.find("starting up"), std::string::npos) << error;  // the app's output tail
  EXPECT_TRUE(processes_with_marker(marker).empty());
}

}  // namespace
}  // namespace leakgate::e2e
