#include "verdict/expected_findings.h"

#include <gtest/gtest.h>

namespace leakgate {
namespace {

Finding growth(const std::string& type) {
  Finding f;
  f.type = type;
  f.rule = FindingRule::kGrowth;
  return f;
}

Finding over_baseline(const std::string& type) {
  Finding f = growth(type);
  f.rule = FindingRule::kBaseline;
  return f;
}

std::vector<Finding> run_findings() {
  return {growth("MyApp.Controllers.Customer"), growth("MyApp.Orders.Order+Line"),
          growth("System.String"), over_baseline("MyApp.Cache.Entry"), growth("Heap")};
}

TEST(ExpectedFindings, AWholeKeyOrAUniqueEndAfterADotIsCaught) {
  EXPECT_TRUE(uncaught_expected_findings({"MyApp.Controllers.Customer", "Customer",
                                          "Controllers.Customer", "Line", "Order+Line", "Heap"},
                                         run_findings())
                  .empty());
}

TEST(ExpectedFindings, APartOfANameIsNotAnEnd) {
  const auto notes = uncaught_expected_findings({"omer"}, run_findings());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("no growth finding on \"omer\""), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("did you mean MyApp.Controllers.Customer?"), std::string::npos)
      << notes[0];
}

TEST(ExpectedFindings, AMisspeltNameGetsTheClosestKeys) {
  const auto notes = uncaught_expected_findings({"Costumer", "Entry"}, run_findings());
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("did you mean MyApp.Controllers.Customer?"), std::string::npos)
      << notes[0];
  // Over its baseline, not growing: named, but still not caught.
  EXPECT_NE(notes[1].find("did you mean MyApp.Cache.Entry?"), std::string::npos) << notes[1];
}

TEST(ExpectedFindings, NothingCloseListsTheGrowthFindings) {
  const auto notes = uncaught_expected_findings({"Zebra"}, run_findings());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("the growth findings of this run: MyApp.Controllers.Customer, "
                          "MyApp.Orders.Order+Line, System.String, Heap"),
            std::string::npos)
      << notes[0];
}

TEST(ExpectedFindings, AnEndSeveralKeysShareIsNotEnough) {
  const auto notes =
      uncaught_expected_findings({"Customer"}, {growth("A.Customer"), growth("B.Customer")});
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("is the end of 2 growth findings' keys (A.Customer, B.Customer)"),
            std::string::npos)
      << notes[0];
  // The whole key still picks one of them.
  EXPECT_TRUE(
      uncaught_expected_findings({"B.Customer"}, {growth("A.Customer"), growth("B.Customer")})
          .empty());
}

}  // namespace
}  // namespace leakgate
