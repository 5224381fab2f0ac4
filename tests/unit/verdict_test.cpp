#include "verdict/verdict.h"

#include <gtest/gtest.h>

#include "verdict/scenario_result.h"

namespace leakgate {
namespace {

Checkpoint cp(const std::string& label, std::vector<TypeStat> rows, std::uint64_t heap = 0) {
  Checkpoint c;
  c.label = label;
  HeapStats stats;
  stats.types = std::move(rows);
  c.heap = stats;
  if (heap != 0) c.gc_heap = GcHeapSummary{1, heap, heap, {}};
  return c;
}

TEST(Verdict, SteadyHeapPasses) {
  const auto warm = cp("warmup", {{1, "App.Form", 0, 0}, {2, "System.String", 300, 9000}});
  const auto last = cp("final", {{1, "App.Form", 0, 0}, {2, "System.String", 305, 9100}});
  const VerdictSettings settings;
  const auto j = judge({warm, last, 20, settings, nullptr});
  EXPECT_EQ(j.verdict, Verdict::kPass);
  EXPECT_TRUE(j.findings.empty());
}

TEST(Verdict, OneInstancePerIterationIsALeak) {
  const auto warm = cp("warmup", {{1, "App.Form", 5, 440}, {2, "App.Button", 5, 320}});
  const auto last = cp("final", {{1, "App.Form", 25, 2200}, {2, "App.Button", 65, 4160}});
  const VerdictSettings settings;
  const auto j = judge({warm, last, 20, settings, nullptr});
  EXPECT_EQ(j.verdict, Verdict::kLeak);
  ASSERT_EQ(j.findings.size(), 2u);
  EXPECT_EQ(j.findings[0].type, "App.Button");  // the fastest-growing first
  EXPECT_DOUBLE_EQ(j.findings[0].growth_per_iteration, 3.0);
  EXPECT_EQ(j.findings[1].type, "App.Form");
  EXPECT_DOUBLE_EQ(j.findings[1].growth_per_iteration, 1.0);
  EXPECT_EQ(j.findings[1].metric, "instances");
  EXPECT_EQ(j.findings[1].rule, "growth");
  EXPECT_DOUBLE_EQ(j.findings[1].warmup, 5);
  EXPECT_DOUBLE_EQ(j.findings[1].actual, 25);
  EXPECT_FALSE(j.findings[1].baseline);
}

TEST(Verdict, GrowthBelowTheThresholdIsNotALeak) {
  const auto warm = cp("warmup", {{1, "App.Form", 5, 440}});
  const auto last = cp("final", {{1, "App.Form", 24, 2112}});  // 19 over 20 round trips
  const VerdictSettings settings;
  EXPECT_EQ(judge({warm, last, 20, settings, nullptr}).verdict, Verdict::kPass);
}

TEST(Verdict, OverTheBaselineIsARegression) {
  Baseline b;
  b.types["App.Cache"] = {100, 10000};
  b.types["App.Blob"] = {1, 1000};
  b.gc_heap_allocated_bytes = 1000000;
  const auto warm =
      cp("warmup", {{1, "App.Cache", 200, 20000}, {2, "App.Blob", 1, 900000}}, 1000000);
  const auto last =
      cp("final", {{1, "App.Cache", 200, 20000}, {2, "App.Blob", 1, 900000}}, 3000000);
  const VerdictSettings settings;
  const auto j = judge({warm, last, 20, settings, &b});
  EXPECT_EQ(j.verdict, Verdict::kRegression);
  ASSERT_EQ(j.findings.size(), 3u);
  std::map<std::string, Finding> by_type;
  for (const auto& f : j.findings) by_type[f.type] = f;
  EXPECT_EQ(by_type.at("App.Cache").metric, "instances");
  EXPECT_DOUBLE_EQ(*by_type.at("App.Cache").baseline, 100);
  EXPECT_DOUBLE_EQ(*by_type.at("App.Cache").limit, 100 * 1.25 + 50);
  EXPECT_EQ(by_type.at("App.Blob").metric, "bytes");
  EXPECT_EQ(by_type.at("(GC heap)").metric, "gcHeapAllocatedBytes");
}

TEST(Verdict, WithinToleranceOfTheBaselinePasses) {
  Baseline b;
  b.types["App.Cache"] = {100, 10000};
  const auto same = cp("x", {{1, "App.Cache", 170, 17000}});
  const VerdictSettings settings;
  EXPECT_EQ(judge({same, same, 20, settings, &b}).verdict, Verdict::kPass);
}

TEST(Verdict, AGrowingTypeIsReportedOnce) {
  Baseline b;
  b.types["App.Form"] = {5, 440};
  const auto warm = cp("warmup", {{1, "App.Form", 5, 440}});
  const auto last = cp("final", {{1, "App.Form", 1005, 88440}});
  const VerdictSettings settings;
  const auto j = judge({warm, last, 20, settings, &b});
  EXPECT_EQ(j.verdict, Verdict::kLeak);
  ASSERT_EQ(j.findings.size(), 1u);
  EXPECT_DOUBLE_EQ(*j.findings[0].baseline, 5);
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
