#include "verdict/verdict.h"

#include <algorithm>
#include <array>

#include "verdict/rules/rule.h"

namespace leakgate {

namespace {

// The chain, in order. A new rule is one line here and one file in rules/.
constexpr std::array<Rule, 4> kRules = {noise_floor_rule, known_leak_rule, growth_rule,
                                        tolerance_rule};

}  // namespace

Judgement judge(const Evidence& evidence) {
  Judgement j;
  std::vector<Finding> growth, over;
  for (const Candidate& c : candidates(evidence)) {
    for (Rule rule : kRules) {
      Decision d = rule(c, evidence);
      if (!d.one_step.empty()) j.one_step_growth.push_back(std::move(d.one_step));
      if (d.kind == Decision::Kind::kUndecided) continue;
      if (!d.note.empty()) j.notes.push_back(std::move(d.note));
      if (d.kind == Decision::Kind::kSuppressed) {
        j.suppressed.push_back({std::move(d.finding), d.known->reason});
        j.known_leaks_used.insert(d.known->index);
      } else if (d.kind == Decision::Kind::kFinding) {
        (d.finding.rule == FindingRule::kGrowth ? growth : over).push_back(std::move(d.finding));
      }
      break;
    }
  }
  std::stable_sort(growth.begin(), growth.end(), [](const Finding& a, const Finding& b) {
    return a.growth_per_iteration > b.growth_per_iteration;
  });
  std::stable_sort(over.begin(), over.end(), [](const Finding& a, const Finding& b) {
    return a.actual - *a.limit > b.actual - *b.limit;
  });
  // A memory finding says where it grew: the mappings of its category that grew most.
  for (auto* list : {&growth, &over}) {
    for (Finding& f : *list) {
      MemoryCategory category;
      if (f.kind != FindingKind::kMemory || !category_from_name(f.type, category)) continue;
      f.grown_mappings = grown_mappings(evidence.warmup(), evidence.final(), category, 5);
    }
  }
  j.verdict = !growth.empty() ? Verdict::kLeak
              : !over.empty() ? Verdict::kRegression
                              : Verdict::kPass;
  j.findings = std::move(growth);
  j.findings.insert(j.findings.end(), over.begin(), over.end());
  return j;
}

}  // namespace leakgate
