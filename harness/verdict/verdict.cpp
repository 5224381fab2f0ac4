#include "verdict/verdict.h"

#include <algorithm>

namespace leakgate {

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kLeak:
      return "leak";
    case Verdict::kRegression:
      return "regression";
    case Verdict::kError:
      return "error";
  }
  return "error";
}

Judgement judge(const Evidence& evidence) {
  Judgement j;
  auto growth = growth_rule(evidence);
  auto memory_growth = memory_growth_rule(evidence);
  growth.insert(growth.end(), memory_growth.begin(), memory_growth.end());
  std::stable_sort(growth.begin(), growth.end(), [](const Finding& a, const Finding& b) {
    return a.growth_per_iteration > b.growth_per_iteration;
  });
  auto over = baseline_rule(evidence, growth);
  auto memory_over = memory_baseline_rule(evidence, growth);
  over.insert(over.end(), memory_over.begin(), memory_over.end());
  std::stable_sort(over.begin(), over.end(), [](const Finding& a, const Finding& b) {
    return a.actual - *a.limit > b.actual - *b.limit;
  });
  j.verdict = !growth.empty() ? Verdict::kLeak
              : !over.empty() ? Verdict::kRegression
                              : Verdict::kPass;
  j.findings = std::move(growth);
  j.findings.insert(j.findings.end(), over.begin(), over.end());
  return j;
}

}  // namespace leakgate
