#pragma once

#include <set>
#include <vector>

#include "verdict/evidence.h"
#include "verdict/finding.h"

namespace leakgate {

struct Suppressed {
  Finding finding;
  std::string reason;  // the known leak's reason
};

struct Judgement {
  Verdict verdict = Verdict::kPass;
  std::vector<Finding> findings;  // growth findings first (fastest first), then baseline ones
  std::vector<Suppressed> suppressed;
  std::set<std::size_t> known_leaks_used;  // KnownLeak::index of the entries that matched
  std::vector<std::string> notes;          // what passed but a reader should know of
  // Growth that one step carries (GrowthShape::kOneStep), each a series in words: more
  // iterations would tell a one-off step from a leak.
  std::vector<std::string> one_step_growth;
};

// Asks the rule chain (noise floor, known leaks, growth, tolerance) about every candidate; the
// first definite answer wins. Any growth finding makes a leak, otherwise any baseline finding a
// regression, otherwise pass.
Judgement judge(const Evidence& evidence);

}  // namespace leakgate
