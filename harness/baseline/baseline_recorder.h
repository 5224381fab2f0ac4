#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "baseline/baseline.h"
#include "model/snapshot.h"
#include "model/verdict_settings.h"

namespace leakgate {

// Types below both floors are left out of a new baseline: they are runtime noise, and a type that
// is absent from the baseline is compared against zero plus the absolute tolerance anyway.
inline constexpr std::uint64_t kRecordMinCount = 10;
inline constexpr std::uint64_t kRecordMinBytes = 4096;

// The baseline of a run's final checkpoint. Where `previous` holds a value that the new one is
// within tolerance of, the previous value is kept: re-recording an unchanged app changes nothing.
Baseline record_baseline(const std::string& scenario, int iterations, const Checkpoint& final,
                         const std::map<std::string, std::string>& recorded_with,
                         const VerdictSettings& tolerances, const Baseline* previous);

struct BaselineChange {
  enum class Kind { kAdded, kRemoved, kChanged };
  Kind kind;
  std::string key;  // a type name, "gcHeap.allocatedBytes", "recordedWith.<key>", ...
  std::string before;
  std::string after;
};

// What writing `after` over `before` (none: a new baseline) changes, key by key.
std::vector<BaselineChange> diff_baselines(const Baseline* before, const Baseline& after);

}  // namespace leakgate
