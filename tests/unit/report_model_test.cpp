#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "report/json_report.h"
#include "report/run_report.h"
#include "test_support.h"

namespace leakgate {
namespace {

using nlohmann::json;

// A real report of `leakgate run --scenario forms-leak --scenario forms` (capture-report.sh).

std::string error_of(const json& doc) {
  try {
    (void)report_from_json(doc, "r/report.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ReportModel, ReadsBackExactlyWhatItWrote) {
  const json doc = test::forms_pair_report();
  const RunReport report = report_from_json(doc, "report.json");
  ASSERT_EQ(report.run.scenarios.size(), 2u);
  const ScenarioResult& leak = report.run.scenarios[0];
  EXPECT_EQ(leak.verdict, Verdict::kLeak);
  EXPECT_EQ(leak.expected, Expectation::kLeak);
  EXPECT_FALSE(leak.findings.empty());
  EXPECT_EQ(leak.findings[0].rule, FindingRule::kGrowth);
  ASSERT_EQ(leak.leak_analysis.leaks.size(), 1u);
  EXPECT_EQ(leak.leak_analysis.leaks[0].head, "FormsApp.CustomerForm");
  ASSERT_FALSE(leak.checkpoints.empty());
  EXPECT_TRUE(leak.checkpoints.back().memory.has_value());
  EXPECT_TRUE(leak.checkpoints.back().heap.has_value());
  // Every key of the document, and nothing else, comes back from the model.
  EXPECT_EQ(report_to_json(report), doc) << json::diff(report_to_json(report), doc).dump(1);
}

TEST(ReportModel, CountsAndOrderLiveInTheModel) {
  json doc = test::forms_pair_report();
  doc["scenarios"][1]["met"] = false;
  doc["scenarios"][1]["verdict"] = "error";
  doc["summary"]["met"] = 2;  // a stale count in the document is not what the model says
  const RunReport report = report_from_json(doc, "report.json");
  EXPECT_EQ(report.met(), 1);
  EXPECT_EQ(report.unmet(), 1);
  EXPECT_EQ(report.errors(), 1);
  EXPECT_EQ(report_to_json(report)["summary"]["met"], 1);
  // The app's own types first, a leak's members left to the leak.
  const ScenarioResult& leak = report.run.scenarios[0];
  const auto ordered = reading_order(leak);
  ASSERT_FALSE(ordered.empty());
  EXPECT_EQ(ordered.front()->type, "FormsApp.CustomerForm");
  EXPECT_TRUE(findings_outside_leaks(leak).empty());
}

TEST(ReportModel, RefusesWhatItCannotReadNamingTheField) {
  json newer = test::forms_pair_report();
  newer["schemaVersion"] = 2;
  EXPECT_NE(error_of(newer).find("r/report.json: /schemaVersion: report schema 2"),
            std::string::npos)
      << error_of(newer);
  json verdict = test::forms_pair_report();
  verdict["scenarios"][0]["verdict"] = "maybe";
  EXPECT_NE(error_of(verdict).find("/scenarios/0/verdict: \"maybe\" is not a value"),
            std::string::npos)
      << error_of(verdict);
  json metric = test::forms_pair_report();
  metric["scenarios"][0]["findings"][1]["metric"] = "furlongs";
  EXPECT_NE(error_of(metric).find("/scenarios/0/findings/1/metric"), std::string::npos)
      << error_of(metric);
  json rule = test::forms_pair_report();
  rule["scenarios"][0]["findings"][0]["rule"] = 7;
  EXPECT_NE(error_of(rule).find("/scenarios/0/findings/0/rule: expected a string"),
            std::string::npos)
      << error_of(rule);
  json count = test::forms_pair_report();
  count["scenarios"][0]["checkpoints"][0]["heap"]["totalBytes"] = -5;
  EXPECT_NE(error_of(count).find("/scenarios/0/checkpoints/0/heap/totalBytes"), std::string::npos)
      << error_of(count);
  json category = test::forms_pair_report();
  category["scenarios"][0]["checkpoints"][0]["memory"]["categories"]["Swap"] = json::object();
  EXPECT_NE(error_of(category).find("/memory/categories/Swap: not a memory category"),
            std::string::npos)
      << error_of(category);
  EXPECT_NE(error_of(json::array()).find("expected an object"), std::string::npos);
}

}  // namespace
}  // namespace leakgate
