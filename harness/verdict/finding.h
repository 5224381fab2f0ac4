#pragma once

#include <optional>
#include <string>
#include <vector>

namespace leakgate {

// One thing the verdict objects to. `rule` says which rule found it.
struct Finding {
  std::string type;    // a managed type name, or "(GC heap)"
  std::string metric;  // "instances", "bytes" or "gcHeapAllocatedBytes"
  std::string rule;    // "growth" (grows with the iterations) or "baseline" (over the baseline)
  std::optional<double> baseline;  // the baseline value, when the scenario has one for this key
  double warmup = 0;               // the value at the warm-up checkpoint
  double actual = 0;               // the value at the final checkpoint
  double growth_per_iteration = 0;
  std::optional<double> limit;  // the largest value the baseline rule allows
};

enum class Verdict { kPass, kLeak, kRegression, kError };

std::string to_string(Verdict v);

}  // namespace leakgate
