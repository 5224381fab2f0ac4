#pragma once

#include <vector>

#include "verdict/rules.h"

namespace leakgate {

struct Judgement {
  Verdict verdict = Verdict::kPass;
  std::vector<Finding> findings;  // growth findings first, each group by size of the problem
};

// Runs the rules in order and classifies: any growth finding is a leak, otherwise any baseline
// finding is a regression, otherwise pass.
Judgement judge(const Evidence& evidence);

}  // namespace leakgate
