#include <cmath>

#include "verdict/rules/rule.h"

namespace leakgate {

Decision noise_floor_rule(const Candidate& c, const Evidence& e) {
  const double change = std::fabs(c.actual() - c.warmup());
  double floor = 0;
  switch (c.kind) {
    case Candidate::Kind::kManagedType:
      floor = e.settings.noise_floor_count;
      break;
    case Candidate::Kind::kMemory:
      floor = e.settings.noise_floor_kb;
      break;
    case Candidate::Kind::kGcHeap:
      return {};  // judged against its baseline only
  }
  if (change >= floor) return {};
  // A small change may still sit over the baseline (instances or bytes): let that rule speak.
  if (tolerance_rule(c, e).kind == Decision::Kind::kFinding) return {};
  Decision d;
  d.kind = Decision::Kind::kPass;
  d.reason = "change below the noise floor";
  return d;
}

}  // namespace leakgate
