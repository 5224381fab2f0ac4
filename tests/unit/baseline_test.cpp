#include "baseline/baseline.h"

#include <gtest/gtest.h>

#include "baseline/baseline_recorder.h"
#include "common/errors.h"
#include "unit/test_support.h"

namespace leakgate {
namespace {

Checkpoint checkpoint_with(std::vector<TypeStat> rows, std::uint64_t heap_bytes) {
  Checkpoint c;
  c.label = "final";
  HeapStats stats;
  for (auto& r : rows) {
    stats.total_objects += r.count;
    stats.total_bytes += r.bytes;
  }
  stats.types = std::move(rows);
  c.heap = stats;
  c.gc_heap.emplace();
  c.gc_heap->heap_count = 1;
  c.gc_heap->allocated_bytes = heap_bytes;
  c.gc_heap->committed_bytes = heap_bytes * 2;
  return c;
}

Baseline sample() {
  Baseline b;
  b.scenario = "forms";
  b.iterations = 20;
  b.recorded_with = {{"runtime", "10.0.12"}, {"gc", "workstation"}};
  b.gc_heap_allocated_bytes = 300000;
  b.types["System.String"] = {239, 43472};
  b.types["System.Collections.Generic.Dictionary<System.String, System.Object>"] = {1, 80};
  return b;
}

TEST(Baseline, RoundTripsThroughJson) {
  const Baseline b = sample();
  EXPECT_EQ(baseline_from_json(baseline_to_json(b), "x.json"), b);
}

TEST(Baseline, RendersStableSortedOutput) {
  const std::string text = render_baseline(sample());
  EXPECT_EQ(text, render_baseline(sample()));
  EXPECT_LT(text.find("\"iterations\""), text.find("\"scenario\""));  // sorted keys
  EXPECT_LT(text.find("System.Collections"), text.find("System.String"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(Baseline, StoreAndLoad) {
  test::ScratchDir dir;
  EXPECT_FALSE(load_baseline(dir.path(), "forms"));
  store_baseline(dir.path(), sample());
  const auto loaded = load_baseline(dir.path(), "forms");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, sample());
  // Nothing but the baseline itself is left in the folder (no temp files).
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(Baseline, InvalidFileNamesTheField) {
  test::ScratchDir dir;
  test::write_file(dir.path() / "forms.json",
                   R"({"schemaVersion": 1, "scenario": "forms", "iterations": 20,
                       "types": {"A": {"count": -1, "bytes": 0}}})");
  try {
    load_baseline(dir.path(), "forms");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("forms.json: /types/A/count"), std::string::npos)
        << e.what();
  }
}

// Found by fuzzing: a spread without one of its bounds was read through an empty optional.
TEST(Baseline, ACalibrationSpreadWithoutABoundNamesIt) {
  for (const char* spread : {R"({"min": 1})", R"({"max": 1})", R"({})"}) {
    test::ScratchDir dir;
    test::write_file(dir.path() / "forms.json",
                     std::string(R"({"schemaVersion": 1, "scenario": "forms", "iterations": 20,
                       "types": {}, "calibration": {"runs": 5, "typeCounts": {"A": )") +
                         spread + R"(}, "memoryKb": {}}})");
    try {
      load_baseline(dir.path(), "forms");
      FAIL() << spread;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("forms.json: /calibration/typeCounts/A/m"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(Baseline, ScenarioNameMustMatchTheFile) {
  test::ScratchDir dir;
  Baseline b = sample();
  b.scenario = "other";
  test::write_file(dir.path() / "forms.json", render_baseline(b));
  EXPECT_THROW(load_baseline(dir.path(), "forms"), InputError);
}

TEST(BaselineRecorder, LeavesOutNoiseBelowTheFloors) {
  const auto cp =
      checkpoint_with({{1, "Tiny", 1, 24}, {2, "Many", 50, 1200}, {3, "Big", 1, 9000}}, 100000);
  const Baseline b = record_baseline("s", 10, cp, {}, VerdictSettings{}, nullptr);
  EXPECT_EQ(b.types.count("Tiny"), 0u);
  EXPECT_EQ(b.types.at("Many"), (TypeBaseline{50, 1200}));
  EXPECT_EQ(b.types.at("Big"), (TypeBaseline{1, 9000}));
  EXPECT_EQ(b.gc_heap_allocated_bytes, 100000u);
}

TEST(BaselineRecorder, AddsUpRowsOfOneName) {
  const auto cp = checkpoint_with({{1, "Dup", 10, 240}, {2, "Dup", 5, 120}}, 1);
  const Baseline b = record_baseline("s", 10, cp, {}, VerdictSettings{}, nullptr);
  EXPECT_EQ(b.types.at("Dup"), (TypeBaseline{15, 360}));
}

TEST(BaselineRecorder, KeepsPreviousValuesWithinTolerance) {
  Baseline previous;
  previous.scenario = "s";
  previous.iterations = 10;
  previous.types["Stable"] = {100, 2400};
  previous.types["Grown"] = {100, 2400};
  previous.types["Gone"] = {12, 300};
  previous.gc_heap_allocated_bytes = 1000000;
  const auto cp = checkpoint_with({{1, "Stable", 103, 2472}, {2, "Grown", 1000, 24000}}, 1001000);
  const Baseline b = record_baseline("s", 10, cp, {}, VerdictSettings{}, &previous);
  EXPECT_EQ(b.types.at("Stable"), (TypeBaseline{100, 2400}));
  EXPECT_EQ(b.types.at("Grown"), (TypeBaseline{1000, 24000}));
  EXPECT_EQ(b.types.at("Gone"), (TypeBaseline{12, 300}));  // zero is within tolerance of 12
  EXPECT_EQ(b.gc_heap_allocated_bytes, 1000000u);
}

TEST(BaselineRecorder, DiffNamesEachChange) {
  Baseline before = sample();
  Baseline after = sample();
  after.types["System.String"] = {500, 90000};
  after.types["New"] = {20, 480};
  after.types.erase("System.Collections.Generic.Dictionary<System.String, System.Object>");
  after.recorded_with["runtime"] = "10.0.13";
  const auto changes = diff_baselines(&before, after);
  ASSERT_EQ(changes.size(), 4u);
  std::map<std::string, BaselineChange::Kind> kinds;
  for (const auto& c : changes) kinds[c.key] = c.kind;
  EXPECT_EQ(kinds.at("System.String"), BaselineChange::Kind::kChanged);
  EXPECT_EQ(kinds.at("New"), BaselineChange::Kind::kAdded);
  EXPECT_EQ(kinds.at("System.Collections.Generic.Dictionary<System.String, System.Object>"),
            BaselineChange::Kind::kRemoved);
  EXPECT_EQ(kinds.at("recordedWith.runtime"), BaselineChange::Kind::kChanged);
  EXPECT_TRUE(diff_baselines(&before, before).empty());
}

}  // namespace
}  // namespace leakgate
