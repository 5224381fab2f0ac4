#include "verdict/verdict.h"

#include <gtest/gtest.h>

#include "verdict/growth_fit.h"
#include "verdict/scenario_result.h"

namespace leakgate {
namespace {

Checkpoint cp(int iteration, std::vector<TypeStat> rows, std::uint64_t heap = 0) {
  Checkpoint c;
  c.label = "cp" + std::to_string(iteration);
  c.iteration = iteration;
  HeapStats stats;
  stats.types = std::move(rows);
  c.heap = stats;
  if (heap != 0) {
    c.gc_heap.emplace();
    c.gc_heap->heap_count = 1;
    c.gc_heap->allocated_bytes = heap;
    c.gc_heap->committed_bytes = heap;
  }
  return c;
}

Checkpoint memory_cp(int iteration, std::uint64_t heap_kb) {
  Checkpoint c;
  c.iteration = iteration;
  MemorySummary m;
  for (auto category : kMemoryCategories) m.categories[category] = MemoryRow{};
  m.categories[MemoryCategory::kHeap] = {heap_kb, heap_kb, 0, 0};
  c.memory = m;
  return c;
}

class VerdictTest : public ::testing::Test {
 protected:
  Judgement judge_points(const std::vector<Checkpoint>& points, const Baseline* baseline = nullptr,
                         const std::vector<KnownLeak>* known = nullptr) {
    Evidence e{{}, points.back().iteration, settings_, baseline, known};
    for (const auto& p : points) e.checkpoints.push_back(&p);
    return judge(e);
  }
  VerdictSettings settings_;
};

TEST_F(VerdictTest, SteadyHeapPasses) {
  const auto j = judge_points({cp(0, {{1, "App.Form", 0, 0}, {2, "System.String", 300, 9000}}),
                               cp(20, {{1, "App.Form", 0, 0}, {2, "System.String", 305, 9100}})});
  EXPECT_EQ(j.verdict, Verdict::kPass);
  EXPECT_TRUE(j.findings.empty());
}

TEST_F(VerdictTest, OneInstancePerIterationIsALeak) {
  const auto j = judge_points({cp(0, {{1, "App.Form", 5, 440}, {2, "App.Button", 5, 320}}),
                               cp(10, {{1, "App.Form", 15, 1320}, {2, "App.Button", 35, 2240}}),
                               cp(20, {{1, "App.Form", 25, 2200}, {2, "App.Button", 65, 4160}})});
  EXPECT_EQ(j.verdict, Verdict::kLeak);
  ASSERT_EQ(j.findings.size(), 2u);
  EXPECT_EQ(j.findings[0].type, "App.Button");  // the fastest-growing first
  EXPECT_DOUBLE_EQ(j.findings[0].growth_per_iteration, 3.0);
  const Finding& form = j.findings[1];
  EXPECT_EQ(form.type, "App.Form");
  EXPECT_DOUBLE_EQ(form.growth_per_iteration, 1.0);
  EXPECT_EQ(form.metric, Metric::kInstances);
  EXPECT_EQ(form.rule, FindingRule::kGrowth);
  EXPECT_DOUBLE_EQ(form.warmup, 5);
  EXPECT_DOUBLE_EQ(form.actual, 25);
  EXPECT_FALSE(form.baseline);
  ASSERT_EQ(form.points.size(), 3u);  // the points it was fitted on
  EXPECT_EQ(form.points[1], (std::pair<int, double>{10, 15}));
}

TEST_F(VerdictTest, ACacheThatFillsOnceIsNotALeak) {
  // +40 in the first half, nothing after: the fitted slope is 2/iteration, but growth stopped.
  const auto j = judge_points({cp(0, {{1, "App.CacheEntry", 10, 240}}),
                               cp(10, {{1, "App.CacheEntry", 50, 1200}}),
                               cp(20, {{1, "App.CacheEntry", 50, 1200}})});
  EXPECT_EQ(j.verdict, Verdict::kPass);
}

TEST_F(VerdictTest, GrowthBelowTheThresholdIsNotALeak) {
  const auto j =
      judge_points({cp(0, {{1, "App.Form", 5, 440}}), cp(20, {{1, "App.Form", 24, 2112}})});
  EXPECT_EQ(j.verdict, Verdict::kPass);
}

TEST_F(VerdictTest, CompilerGeneratedNamesAreJudgedByTheirKey) {
  const auto j = judge_points({cp(0, {{1, "App.P+<>c__DisplayClass3_0", 0, 0}}),
                               cp(10, {{1, "App.P+<>c__DisplayClass3_0", 10, 240}})});
  ASSERT_EQ(j.findings.size(), 1u);
  EXPECT_EQ(j.findings[0].type, "App.P+<>c__DisplayClass#");
  EXPECT_EQ(j.findings[0].names, std::vector<std::string>{"App.P+<>c__DisplayClass3_0"});
}

TEST_F(VerdictTest, OverTheBaselineIsARegression) {
  Baseline b;
  b.types["App.Cache"] = {100, 10000};
  b.types["App.Blob"] = {1, 1000};
  b.gc_heap_allocated_bytes = 1000000;
  const auto same = [](std::uint64_t heap, int iteration) {
    return cp(iteration, {{1, "App.Cache", 200, 20000}, {2, "App.Blob", 1, 900000}}, heap);
  };
  const auto j = judge_points({same(1000000, 0), same(3000000, 20)}, &b);
  EXPECT_EQ(j.verdict, Verdict::kRegression);
  ASSERT_EQ(j.findings.size(), 3u);
  std::map<std::string, Finding> by_type;
  for (const auto& f : j.findings) by_type[f.type] = f;
  EXPECT_EQ(by_type.at("App.Cache").metric, Metric::kInstances);
  EXPECT_DOUBLE_EQ(*by_type.at("App.Cache").baseline, 100);
  EXPECT_DOUBLE_EQ(*by_type.at("App.Cache").limit, 100 * 1.25 + 50);
  EXPECT_EQ(by_type.at("App.Cache").tolerance_source, "scenario");
  EXPECT_EQ(by_type.at("App.Blob").metric, Metric::kBytes);
  EXPECT_EQ(by_type.at("(GC heap)").metric, Metric::kGcHeapAllocatedBytes);
}

TEST_F(VerdictTest, WithinToleranceOfTheBaselinePasses) {
  Baseline b;
  b.types["App.Cache"] = {100, 10000};
  const auto same = cp(20, {{1, "App.Cache", 170, 17000}});
  EXPECT_EQ(judge_points({cp(0, {{1, "App.Cache", 170, 17000}}), same}, &b).verdict,
            Verdict::kPass);
}

TEST_F(VerdictTest, CalibrationNarrowsTheToleranceAndABaselineOverrideWins) {
  Baseline b;
  b.types["App.Cache"] = {100, 10000};
  b.calibration = Calibration{5, {{"App.Cache", Spread{98, 102}}}, {}};
  const auto points = std::vector<Checkpoint>{cp(0, {{1, "App.Cache", 130, 13000}}),
                                              cp(20, {{1, "App.Cache", 130, 13000}})};
  // Scenario tolerance: 100 * 1.25 + 50 = 175 allows 130. Calibrated: 102 + max(3*4, 10) = 114.
  auto j = judge_points(points, &b);
  ASSERT_EQ(j.findings.size(), 1u);
  EXPECT_EQ(j.findings[0].tolerance_source, "calibration");
  EXPECT_DOUBLE_EQ(*j.findings[0].limit, 114);
  b.type_tolerances["App.Cache"] = ToleranceOverride{0.5, 0, std::nullopt};
  j = judge_points(points, &b);
  EXPECT_EQ(j.verdict, Verdict::kPass);  // 150 allowed by the override
}

// Seen in the suite: System.String flat at 2823 instances from the warm-up on against a calibrated
// maximum of 2812 with no spread (limit 2822 from the 10-instance floor): start-up variance.
TEST_F(VerdictTest, ACalibratedMarginIsAtLeastTwoPercentOfTheMaximum) {
  Baseline b;
  b.types["System.String"] = {2812, 90000};
  b.calibration = Calibration{5, {{"System.String", Spread{2812, 2812}}}, {}};
  const auto flat = [](std::uint64_t count) {
    return std::vector<Checkpoint>{cp(0, {{1, "System.String", count, 90000}}),
                                   cp(10, {{1, "System.String", count, 90000}}),
                                   cp(20, {{1, "System.String", count, 90000}})};
  };
  EXPECT_EQ(judge_points(flat(2823), &b).verdict, Verdict::kPass);
  // 2812 + 2% of 2812 = 2868.24: one more than that is a regression, already at the warm-up.
  const auto j = judge_points(flat(2869), &b);
  ASSERT_EQ(j.findings.size(), 1u);
  EXPECT_DOUBLE_EQ(*j.findings[0].limit, 2812 + 0.02 * 2812);
  EXPECT_EQ(j.findings[0].over_limit_at_warmup(), std::optional<bool>(true));
}

TEST_F(VerdictTest, ARegressionSaysWhetherTheExcessWasThereAtTheWarmup) {
  Baseline b;
  b.types["App.Cache"] = {100, 10000};
  b.calibration = Calibration{5, {{"App.Cache", Spread{98, 102}}}, {}};
  // Limit 114 (see above): 105, then a step to 130 that stays (not sustained growth) crossed it.
  const auto j =
      judge_points({cp(0, {{1, "App.Cache", 105, 10500}}), cp(5, {{1, "App.Cache", 105, 10500}}),
                    cp(10, {{1, "App.Cache", 130, 13000}}), cp(20, {{1, "App.Cache", 130, 13000}})},
                   &b);
  ASSERT_EQ(j.findings.size(), 1u);
  EXPECT_EQ(j.findings[0].rule, FindingRule::kBaseline);
  EXPECT_EQ(j.findings[0].over_limit_at_warmup(), std::optional<bool>(false));
}

// Seen in the suite: at the final checkpoint of an ASP.NET Core service, the first exception
// message of the run loaded a ResourceManager (26 more RuntimeType, 1110 -> 1136, over a limit of
// 1132). Over the limit at the final checkpoint alone is one late step, not a footprint.
TEST_F(VerdictTest, OverTheLimitAtTheFinalCheckpointAloneIsNotARegression) {
  Baseline b;
  b.types["System.RuntimeType"] = {1110, 44400};
  b.calibration = Calibration{5, {{"System.RuntimeType", Spread{1110, 1110}}}, {}};
  const auto run = [&](std::uint64_t before_final, std::uint64_t final_count) {
    return judge_points({cp(0, {{1, "System.RuntimeType", 1108, 44320}}),
                         cp(6, {{1, "System.RuntimeType", 1110, 44400}}),
                         cp(13, {{1, "System.RuntimeType", before_final, 44400}}),
                         cp(20, {{1, "System.RuntimeType", final_count, 45440}})},
                        &b);
  };
  // The margin for counts is at least their square root: 1110 + 33.3.
  EXPECT_EQ(run(1110, 1150).verdict, Verdict::kPass);
  EXPECT_EQ(run(1136, 1136).verdict, Verdict::kPass);
  // Over it at the last two checkpoints: a regression (judged on the smaller of the two).
  const auto j = run(1150, 1155);
  ASSERT_EQ(j.findings.size(), 1u);
  EXPECT_EQ(j.verdict, Verdict::kRegression);
  EXPECT_DOUBLE_EQ(j.findings[0].actual, 1155);
}

// Seen in the suite (service-spike): the thread pool added a thread between two checkpoints, twice,
// and each brought 7 to 11 Object[] of thread-static storage; 8 more came once, early, with no
// thread.
TEST_F(VerdictTest, WhatNewThreadsBringIsTheThreads) {
  const auto at = [](int iteration, std::uint64_t objects, std::uint64_t threads) {
    return cp(iteration, {{1, "System.Object[]", objects, objects * 300},
                          {2, "System.Threading.Thread", threads, threads * 72}});
  };
  auto j = judge_points({at(0, 110, 10), at(6, 118, 10), at(13, 129, 11), at(20, 136, 12)});
  EXPECT_EQ(j.verdict, Verdict::kPass);
  ASSERT_EQ(j.notes.size(), 1u);
  EXPECT_NE(j.notes[0].find("System.Object[] grew 110 -> 136 instances, 18 of them brought by the "
                            "managed threads added (10 -> 12 threads)"),
            std::string::npos)
      << j.notes[0];
  // Two instances per iteration while one thread is added: what is left is still a steady rise
  // (the stretch a thread was added in is not held against it).
  j = judge_points({at(0, 100, 10), at(6, 112, 10), at(13, 126, 11), at(20, 140, 11)});
  ASSERT_EQ(j.findings.size(), 1u) << (j.notes.empty() ? "" : j.notes[0]);
  EXPECT_EQ(j.findings[0].type, "System.Object[]");
  // Threads added at every stretch: threads and iterations cannot be told apart; judged as is.
  j = judge_points({at(0, 100, 10), at(6, 106, 11), at(13, 113, 12), at(20, 120, 13)});
  bool objects_found = false;
  for (const auto& f : j.findings) objects_found |= f.type == "System.Object[]";
  EXPECT_TRUE(objects_found);
  // A thread's own objects come when it first runs work, which may be a stretch after its Thread
  // (seen in service-burst: two threads counted in the second stretch, the pool's per-thread queues
  // made one in the second, one in the third).
  j = judge_points({at(0, 139, 13), at(6, 151, 13), at(13, 162, 15), at(20, 173, 15)});
  EXPECT_EQ(j.verdict, Verdict::kPass) << (j.findings.empty() ? "" : j.findings[0].type);
  // ... but no later, and no more than 12 per thread: two instances per iteration from the start,
  // one thread added in the first stretch, is still a leak.
  j = judge_points(
      {at(0, 100, 10), at(5, 110, 11), at(10, 120, 11), at(15, 130, 11), at(20, 140, 11)});
  ASSERT_EQ(j.findings.size(), 1u);
  EXPECT_EQ(j.findings[0].type, "System.Object[]");
  // More than a thread brings (12 per thread) is not the thread's.
  j = judge_points({at(0, 100, 10), at(6, 130, 10), at(13, 160, 11), at(20, 190, 11)});
  ASSERT_EQ(j.findings.size(), 1u);
  // The app's own types are not the threads': one per request while the pool adds a thread is a
  // leak (a service keeping every request's context).
  const auto app = [](int iteration, std::uint64_t contexts, std::uint64_t threads) {
    return cp(iteration, {{1, "MyService.OrderContext", contexts, contexts * 32},
                          {2, "System.Threading.Thread", threads, threads * 72}});
  };
  j = judge_points({app(0, 5, 8), app(6, 11, 9), app(13, 18, 9), app(20, 25, 9)});
  ASSERT_EQ(j.findings.size(), 1u);
  EXPECT_EQ(j.findings[0].type, "MyService.OrderContext");
  // A thread leak is judged on the threads: one per iteration.
  j = judge_points({at(0, 110, 10), at(6, 176, 16), at(13, 253, 23), at(20, 330, 30)});
  bool threads_found = false;
  for (const auto& f : j.findings) threads_found |= f.type == "System.Threading.Thread";
  EXPECT_TRUE(threads_found);
}

// Two one-off steps (a lazy initialisation early, another late) with a flat stretch between are not
// sustained growth (seen: System.String 2859 -> 2873 -> 2874 -> 2895 on a service).
TEST(GrowthFit, GrowthMustShowInEveryStretch) {
  const GrowthFit fit = fit_growth({{0, 2859}, {6, 2873}, {13, 2874}, {20, 2895}});
  EXPECT_EQ(fit.flat_steps, 1);
  EXPECT_FALSE(sustained(fit, 1.0, true));
  EXPECT_TRUE(sustained(fit_growth({{0, 100}, {6, 106}, {13, 113}, {20, 120}}), 1.0, true));
  // A stretch something was taken out of is not held against the series.
  EXPECT_TRUE(sustained(fit_growth({{0, 100}, {5, 110}, {10, 110}, {15, 120}, {20, 130}},
                                   {false, true, false, false}),
                        1.0, true));
  // Memory is lumpy: the native canary's Heap KB rose 640, 132, 696 in its stretches.
  const GrowthFit heap = fit_growth({{0, 4696}, {6, 5336}, {13, 5350}, {20, 6164}});
  EXPECT_FALSE(sustained(heap, 32.0, true));
  EXPECT_TRUE(sustained(heap, 32.0, false));
}

TEST_F(VerdictTest, KnownLeaksAreSuppressedAndMarkedUsed) {
  const std::vector<KnownLeak> known = {{"*", "App.Form", "third-party control cache", 0},
                                        {"*", "App.Other", "never matches", 1}};
  const auto j = judge_points(
      {cp(0, {{1, "App.Form", 5, 440}}), cp(20, {{1, "App.Form", 25, 2200}})}, nullptr, &known);
  EXPECT_EQ(j.verdict, Verdict::kPass);
  EXPECT_TRUE(j.findings.empty());
  ASSERT_EQ(j.suppressed.size(), 1u);
  EXPECT_EQ(j.suppressed[0].finding.type, "App.Form");
  EXPECT_EQ(j.suppressed[0].reason, "third-party control cache");
  EXPECT_EQ(j.known_leaks_used, (std::set<std::size_t>{0}));
}

TEST_F(VerdictTest, MemoryCategoriesGrowAndRegress) {
  auto j = judge_points({memory_cp(0, 500), memory_cp(10, 1460), memory_cp(20, 2420)});
  EXPECT_EQ(j.verdict, Verdict::kLeak);
  ASSERT_EQ(j.findings.size(), 1u);
  EXPECT_EQ(j.findings[0].type, "Heap");
  EXPECT_EQ(j.findings[0].kind, FindingKind::kMemory);
  EXPECT_DOUBLE_EQ(j.findings[0].growth_per_iteration, 96);
  Baseline b;
  b.memory_kb["Heap"] = 1000;
  j = judge_points({memory_cp(0, 9000), memory_cp(20, 9000)}, &b);
  EXPECT_EQ(j.verdict, Verdict::kRegression);  // 9000 > 1000 * 1.25 + 4096
  j = judge_points({memory_cp(0, 1010), memory_cp(20, 1020)}, &b);
  EXPECT_EQ(j.verdict, Verdict::kPass);  // below the noise floor and within the baseline
}

TEST_F(VerdictTest, MemoryNotJudgedIsNoFindingWhileTypesStillAre) {
  settings_.judge_memory = false;
  auto j = judge_points({memory_cp(0, 500), memory_cp(10, 1460), memory_cp(20, 2420)});
  EXPECT_EQ(j.verdict, Verdict::kPass);
  EXPECT_TRUE(j.findings.empty());
  j = judge_points({cp(0, {{1, "App.Form", 5, 440}}), cp(10, {{1, "App.Form", 15, 1320}}),
                    cp(20, {{1, "App.Form", 25, 2200}})});
  EXPECT_EQ(j.verdict, Verdict::kLeak);
  ASSERT_EQ(j.findings.size(), 1u);
  EXPECT_EQ(j.findings[0].kind, FindingKind::kManaged);
}

TEST_F(VerdictTest, FreeSpaceIsNeverAFinding) {
  // As a real run gave it: Free 132616 -> 150672 bytes while every type stayed flat.
  Baseline b;
  b.types["Free"] = {14, 14208};
  const auto j = judge_points({cp(0, {{1, "Free", 14, 132616}, {2, "App.Form", 3, 264}}),
                               cp(10, {{1, "Free", 180, 141000}, {2, "App.Form", 3, 264}}),
                               cp(20, {{1, "Free", 420, 150672}, {2, "App.Form", 3, 264}})},
                              &b);
  EXPECT_EQ(j.verdict, Verdict::kPass);
  EXPECT_TRUE(j.findings.empty());
  // The same growth of an app's type is a leak.
  const auto leak =
      judge_points({cp(0, {{1, "App.Form", 14, 132616}}), cp(10, {{1, "App.Form", 180, 141000}}),
                    cp(20, {{1, "App.Form", 420, 150672}})});
  EXPECT_EQ(leak.verdict, Verdict::kLeak);
}

TEST(GrowthFit, SlopeAndLateSlope) {
  const GrowthFit fit = fit_growth({{0, 0}, {10, 20}, {20, 20}});
  EXPECT_DOUBLE_EQ(fit.slope, 1.0);
  EXPECT_DOUBLE_EQ(fit.late_slope, 0.0);  // the last half of 3 points: the last 2
  EXPECT_EQ(fit.steps, 2);
  EXPECT_DOUBLE_EQ(fit.largest_step_share, 1.0);
  EXPECT_FALSE(sustained(fit, 1.0));
  EXPECT_TRUE(sustained(fit_growth({{0, 0}, {10, 10}, {20, 20}}), 1.0));
  EXPECT_DOUBLE_EQ(fit_growth({{0, 5}}).slope, 0.0);
  EXPECT_FALSE(sustained(fit_growth({{0, 5}}), 0.0)) << "one point is no growth";
  EXPECT_FALSE(sustained(fit_growth({{0, 5}, {10, 5}, {20, 5}, {30, 5}}), 0.0)) << "flat";
}

// The shapes of docs/verdicts.md, at 4 and 6 checkpoints (warm-up at 0, 20 iterations), with a
// threshold of 1 per iteration; values as a real run gave them (KB).
TEST(GrowthFit, OneLateJumpIsNotSustained) {
  // Heap 5748 -> 5788 -> 29024 KB: with 3 points a jump cannot be told from a trend...
  EXPECT_TRUE(sustained(fit_growth({{0, 5748}, {10, 5788}, {20, 29024}}), 1.0));
  // ...with 4 or more it can.
  const GrowthFit jump = fit_growth({{0, 5748}, {7, 5788}, {14, 5790}, {20, 29024}});
  EXPECT_GT(jump.largest_step_share, 0.99);
  EXPECT_FALSE(sustained(jump, 1.0));
  EXPECT_FALSE(sustained(
      fit_growth({{0, 5748}, {4, 5760}, {8, 5770}, {12, 5775}, {16, 5790}, {20, 29024}}), 1.0));
}

// A late jump and a leak whose first stretches were absorbed (a native canary under load: its
// 64 KiB buffers filled the malloc arenas' free chunks first, Heap 4868 -> 4976 -> 5076 -> 5736 KB)
// have the same shape at four points: undecided, until another stretch tells them apart.
TEST(GrowthFit, GrowthOneStepCarriesIsUndecidedUntilMoreStretchesTell) {
  EXPECT_EQ(growth_shape(fit_growth({{0, 4868}, {6, 4976}, {13, 5076}, {20, 5736}}), 32.0),
            GrowthShape::kOneStep);
  EXPECT_EQ(growth_shape(fit_growth({{0, 4812}, {6, 5872}, {13, 6004}, {20, 6544}}), 32.0),
            GrowthShape::kOneStep);
  // The leak goes on growing: sustained.
  EXPECT_EQ(
      growth_shape(fit_growth({{0, 4868}, {6, 4976}, {13, 5076}, {20, 5736}, {27, 6600}}), 32.0),
      GrowthShape::kSustained);
  EXPECT_EQ(
      growth_shape(fit_growth({{0, 4812}, {6, 5872}, {13, 6004}, {20, 6544}, {27, 7400}}), 32.0),
      GrowthShape::kSustained);
  // The jump stays where it was: still carried by one step after one more stretch, and no growth
  // after two (the last half has stopped).
  const std::vector<std::pair<int, double>> jump = {{0, 5748}, {7, 5788}, {14, 5790}, {20, 29024}};
  EXPECT_EQ(growth_shape(fit_growth(jump), 1.0), GrowthShape::kOneStep);
  auto more = jump;
  more.emplace_back(27, 29030);
  EXPECT_EQ(growth_shape(fit_growth(more), 1.0), GrowthShape::kOneStep);
  more.emplace_back(34, 29031);
  EXPECT_EQ(growth_shape(fit_growth(more), 1.0), GrowthShape::kNone);
  // Instance counts that are flat in a stretch fail test 4 as well: no growth, not undecided.
  EXPECT_EQ(growth_shape(fit_growth({{0, 100}, {7, 101}, {14, 101}, {20, 200}}), 1.0, true),
            GrowthShape::kNone);
}

TEST_F(VerdictTest, GrowthOneStepCarriesIsNamedForAnotherStretch) {
  auto j = judge_points(
      {memory_cp(0, 4868), memory_cp(6, 4976), memory_cp(13, 5076), memory_cp(20, 5736)});
  EXPECT_EQ(j.verdict, Verdict::kPass);
  ASSERT_EQ(j.one_step_growth.size(), 1u);
  EXPECT_EQ(j.one_step_growth[0], "Heap 4868 -> 4976 -> 5076 -> 5736 KB");
  j = judge_points({memory_cp(0, 4868), memory_cp(6, 4976), memory_cp(13, 5076),
                    memory_cp(20, 5736), memory_cp(27, 6600)});
  EXPECT_EQ(j.verdict, Verdict::kLeak);
  EXPECT_TRUE(j.one_step_growth.empty());
}

TEST(GrowthFit, RiseThenFlatIsNotSustained) {
  // Other Data 33324 -> 45048 -> 47044 KB: the second half grows at a fifth of the whole.
  EXPECT_FALSE(sustained(fit_growth({{0, 33324}, {10, 45048}, {20, 47044}}), 1.0));
  EXPECT_FALSE(sustained(fit_growth({{0, 33324}, {7, 45048}, {14, 46900}, {20, 47044}}), 1.0));
  EXPECT_FALSE(
      sustained(fit_growth({{0, 100}, {4, 180}, {8, 240}, {12, 250}, {16, 252}, {20, 251}}), 1.0));
}

TEST(GrowthFit, SteadyRiseIsSustained) {
  EXPECT_TRUE(sustained(fit_growth({{0, 100}, {7, 170}, {14, 240}, {20, 300}}), 1.0));
  EXPECT_TRUE(
      sustained(fit_growth({{0, 100}, {4, 140}, {8, 180}, {12, 220}, {16, 260}, {20, 300}}), 1.0));
  // Below the threshold it is not a leak, however steady.
  EXPECT_FALSE(sustained(fit_growth({{0, 100}, {7, 103}, {14, 106}, {20, 108}}), 1.0));
}

TEST(GrowthFit, SteadyRiseWithNoiseIsSustained) {
  // +10 per iteration, each checkpoint off by up to a third of a step.
  EXPECT_TRUE(sustained(fit_growth({{0, 1000}, {7, 1095}, {14, 1125}, {20, 1210}}), 1.0));
  EXPECT_TRUE(sustained(
      fit_growth({{0, 1000}, {4, 1052}, {8, 1071}, {12, 1130}, {16, 1151}, {20, 1195}}), 1.0));
  // Noise of a flat series does not add up to growth.
  EXPECT_FALSE(sustained(
      fit_growth({{0, 1000}, {4, 1012}, {8, 995}, {12, 1008}, {16, 990}, {20, 1010}}), 1.0));
}

TEST(Verdict, CanaryMeetsItsExpectationOnlyWhenTheLeakIsCaught) {
  EXPECT_TRUE(meets(Expectation::kLeak, Verdict::kLeak));
  EXPECT_FALSE(meets(Expectation::kLeak, Verdict::kPass));
  EXPECT_FALSE(meets(Expectation::kLeak, Verdict::kRegression));
  EXPECT_TRUE(meets(Expectation::kPass, Verdict::kPass));
  EXPECT_FALSE(meets(Expectation::kPass, Verdict::kLeak));
  EXPECT_FALSE(meets(Expectation::kPass, Verdict::kError));
}

}  // namespace
}  // namespace leakgate
