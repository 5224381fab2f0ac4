// The pipeline driven on a recorded run (tests/fixtures/recorded/, captured from a real run by
// tests/fixtures/capture-recorded.sh): run_scenario with a RecordedSource rebuilds every
// checkpoint from the raw output and reaches the recorded verdicts and findings exactly; with
// other settings it judges by those settings; broken raw output is an error naming the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "baseline/baseline.h"
#include "baseline/known_leaks.h"
#include "common/json_reader.h"
#include "pipeline/dump_keeper.h"
#include "pipeline/recorded_source.h"
#include "pipeline/scenario_runner.h"
#include "scenario/manifest.h"
#include "test_support.h"

namespace leakgate {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path recorded_dir() { return fs::path(LEAKGATE_FIXTURES_DIR) / "recorded"; }

// A copy of the recorded report (the pipeline reads the raw output where the report is).
struct Recorded {
  test::ScratchDir dir;
  json report;
  Recorded() {
    fs::copy(recorded_dir() / "report", dir.path() / "report", fs::copy_options::recursive);
    report = read_json_file((dir.path() / "report/report.json").string());
  }
  const json& scenario(const std::string& name) const {
    for (const auto& s : report.at("scenarios")) {
      if (s.at("name") == name) return s;
    }
    throw std::runtime_error("no scenario " + name + " in the recorded report");
  }
  ScenarioResult judge(const std::string& name, const Manifest& manifest) {
    RunOptions options;
    options.report_dir = dir.path() / "report";
    RecordedSource source(scenario(name));
    DumpKeeper dumps(KeepDumps::kNever, 0);
    return run_scenario(manifest, load_baseline(recorded_dir() / "baselines", name),
                        load_known_leaks(recorded_dir() / "baselines"), options, source, dumps);
  }
  // The first scenario as the test edited it in `report`, without baseline or known leaks.
  ScenarioResult judge_first_edited() {
    const json& scenario = report.at("scenarios")[0];
    RunOptions options;
    options.report_dir = dir.path() / "report";
    RecordedSource source(scenario);
    DumpKeeper dumps(KeepDumps::kNever, 0);
    return run_scenario(load_manifest(recorded_dir() / "scenarios" / scenario.at("name")),
                        std::nullopt, {}, options, source, dumps);
  }
};

Manifest recorded_manifest(const std::string& name) {
  return load_manifest(recorded_dir() / "scenarios" / name);
}

class RecordedRun : public ::testing::TestWithParam<const char*> {};

TEST_P(RecordedRun, ReachesTheRecordedVerdictAndFindingsExactly) {
  const std::string name = GetParam();
  Recorded recorded;
  const json& was = recorded.scenario(name);
  const ScenarioResult now = recorded.judge(name, recorded_manifest(name));
  ASSERT_FALSE(now.error) << *now.error;
  EXPECT_EQ(to_string(now.verdict), was.at("verdict").get<std::string>());
  EXPECT_EQ(now.met, was.at("met").get<bool>());
  ASSERT_EQ(now.findings.size(), was.at("findings").size());
  for (std::size_t i = 0; i < now.findings.size(); ++i) {
    const Finding& f = now.findings[i];
    const json& w = was.at("findings")[i];
    EXPECT_EQ(f.type, w.at("type").get<std::string>());
    EXPECT_EQ(to_string(f.rule), w.at("rule").get<std::string>());
    EXPECT_EQ(to_string(f.metric), w.at("metric").get<std::string>());
    EXPECT_DOUBLE_EQ(f.actual, w.at("actual").get<double>()) << f.type;
    EXPECT_DOUBLE_EQ(f.warmup, w.at("warmup").get<double>()) << f.type;
    EXPECT_DOUBLE_EQ(f.growth_per_iteration, w.at("growthPerIteration").get<double>()) << f.type;
    if (f.kind != FindingKind::kManaged) continue;
    ASSERT_TRUE(f.retention.has_value()) << f.type << ": the recorded retention paths are kept";
    EXPECT_EQ(f.retention->groups.size(), w.at("retentionPaths").size());
  }
  // Every checkpoint rebuilt from its raw files: the same heap and memory as recorded.
  ASSERT_EQ(now.checkpoints.size(), was.at("checkpoints").size());
  for (std::size_t i = 0; i < now.checkpoints.size(); ++i) {
    const Checkpoint& c = now.checkpoints[i];
    const json& w = was.at("checkpoints")[i];
    ASSERT_TRUE(c.heap && c.memory) << c.label;
    EXPECT_EQ(c.heap->total_objects, w.at("heap").at("totalObjects").get<std::uint64_t>());
    EXPECT_EQ(c.heap->total_bytes, w.at("heap").at("totalBytes").get<std::uint64_t>());
    EXPECT_EQ(c.gc_heap->committed_bytes, w.at("gcHeap").at("committedBytes").get<std::uint64_t>());
    EXPECT_EQ(
        c.memory->grand_total().kbytes,
        w.at("memory").at("totals").at("Grand Total Working Set").at("kbytes").get<std::uint64_t>())
        << c.label;
    EXPECT_EQ(c.memory->idle_stack_kb, w.at("memory").at("idleStackKb").get<std::uint64_t>());
  }
}

INSTANTIATE_TEST_SUITE_P(Fixture, RecordedRun,
                         ::testing::Values("pattern-static-cache-leak", "pattern-static-cache",
                                           "service-spike"));

// The ASP.NET Core service on its default Server GC (DATAS) after a 256 MiB spike per iteration,
// as recorded: the engine split every checkpoint's Other Data by owner; the GC held hundreds of
// MB of free regions, differently at each checkpoint, while native memory stayed where it was;
// so the memory judged for it (Native Data, Heap) does not move and Other Data is not judged.
TEST(RecordedSplit, AServiceSpikeIsTheGcsMemoryAndNativeMemoryStaysFlat) {
  Recorded recorded;
  const ScenarioResult now = recorded.judge("service-spike", recorded_manifest("service-spike"));
  ASSERT_FALSE(now.error) << *now.error;
  EXPECT_EQ(now.verdict, Verdict::kPass);
  std::uint64_t gc_low = UINT64_MAX, gc_high = 0, native_low = UINT64_MAX, native_high = 0;
  for (const Checkpoint& c : now.checkpoints) {
    ASSERT_TRUE(c.reconciliation && c.reconciliation->split) << c.label;
    const Reconciliation& r = *c.reconciliation;
    EXPECT_EQ(r.gc_owned_kb() + r.runtime_kb() + r.unexplained_kb, r.other_data_kb) << c.label;
    EXPECT_GT(r.gc_other_resident_kb, r.gc_heap_resident_kb) << c.label;  // free regions kept
    gc_low = std::min(gc_low, r.gc_owned_kb());
    gc_high = std::max(gc_high, r.gc_owned_kb());
    native_low = std::min(native_low, r.unexplained_kb);
    native_high = std::max(native_high, r.unexplained_kb);
  }
  EXPECT_GT(gc_high, 100u * 1024) << "the spike's free regions are the GC's";
  EXPECT_GT(gc_high - gc_low, 16u * 1024) << "and the GC gives them back on its own schedule";
  EXPECT_LT(native_high - native_low, 1024u) << "native memory does not follow the spike";
}

// The same recorded run under today's settings: the canary's expectation turned around, its
// verdict stands and the expectation is missed.
TEST(RecordedRunSettings, TheCurrentManifestIsWhatJudges) {
  Recorded recorded;
  Manifest manifest = recorded_manifest("pattern-static-cache-leak");
  manifest.expect = Expectation::kPass;
  manifest.expect_findings.clear();
  const ScenarioResult now = recorded.judge("pattern-static-cache-leak", manifest);
  EXPECT_EQ(now.verdict, Verdict::kLeak);
  EXPECT_FALSE(now.met);
}

TEST(RecordedRunSettings, AMissingRawFileIsAnErrorNamingIt) {
  Recorded recorded;
  fs::remove(recorded.dir.path() / "report/pattern-static-cache/final.smaps.txt");
  const ScenarioResult now =
      recorded.judge("pattern-static-cache", recorded_manifest("pattern-static-cache"));
  EXPECT_EQ(now.verdict, Verdict::kError);
  ASSERT_TRUE(now.error.has_value());
  EXPECT_NE(now.error->find("final.smaps.txt"), std::string::npos) << *now.error;
}

TEST(RecordedRunSettings, ARawPathLeavingTheFolderIsRefused) {
  Recorded recorded;
  recorded.report.at("scenarios")[0].at("checkpoints")[0].at("raw")[0]["path"] =
      "../../../etc/passwd";
  const ScenarioResult now = recorded.judge_first_edited();
  EXPECT_EQ(now.verdict, Verdict::kError);
  ASSERT_TRUE(now.error.has_value());
  EXPECT_NE(now.error->find("not a file of the scenario's folder"), std::string::npos)
      << *now.error;
}

TEST(RecordedRunSettings, ARecordedIterationThatIsNotACountIsAnError) {
  for (const json& bad : {json("3"), json(-1), json(2.5), json(1e12)}) {
    Recorded recorded;
    recorded.report.at("scenarios")[0].at("checkpoints")[0]["iteration"] = bad;
    const ScenarioResult now = recorded.judge_first_edited();
    EXPECT_EQ(now.verdict, Verdict::kError) << bad;
    ASSERT_TRUE(now.error.has_value()) << bad;
    EXPECT_NE(now.error->find("\"iteration\" is not a whole number"), std::string::npos)
        << *now.error;
  }
}

}  // namespace
}  // namespace leakgate
