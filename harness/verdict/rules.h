#pragma once

#include <vector>

#include "baseline/baseline.h"
#include "model/snapshot.h"
#include "model/verdict_settings.h"
#include "verdict/finding.h"

namespace leakgate {

// What every rule looks at: the two checkpoints around the round trips, and the baseline.
struct Evidence {
  const Checkpoint& warmup;
  const Checkpoint& final;
  int iterations;
  const VerdictSettings& settings;
  const Baseline* baseline;  // null when the scenario has none yet
};

// A type whose instance count grows by at least minGrowthPerIteration per round trip.
std::vector<Finding> growth_rule(const Evidence& evidence);

// A type (or the GC heap) over its baseline beyond the relative and absolute tolerances. Types
// that the growth rule already reported are skipped: one story per type.
std::vector<Finding> baseline_rule(const Evidence& evidence, const std::vector<Finding>& earlier);

// A memory-summary category whose resident KiB grow by at least its minGrowthKbPerIteration.
std::vector<Finding> memory_growth_rule(const Evidence& evidence);

// A memory-summary category over its baseline beyond its tolerances (skipping those that grow).
std::vector<Finding> memory_baseline_rule(const Evidence& evidence,
                                          const std::vector<Finding>& earlier);

}  // namespace leakgate
