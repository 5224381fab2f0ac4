#pragma once

#include <vector>

#include "baseline/baseline.h"
#include "baseline/known_leaks.h"
#include "model/snapshot.h"
#include "model/verdict_settings.h"

namespace leakgate {

// What the verdict looks at: the scenario's checkpoints in order (the warm-up one first, the
// final one last, any in between), the settings, the baseline and the known leaks.
struct Evidence {
  std::vector<const Checkpoint*> checkpoints;
  int iterations = 0;
  const VerdictSettings& settings;
  const Baseline* baseline = nullptr;                   // null when the scenario has none yet
  const std::vector<KnownLeak>* known_leaks = nullptr;  // entries that apply to this scenario

  const Checkpoint& warmup() const { return *checkpoints.front(); }
  const Checkpoint& final() const { return *checkpoints.back(); }
};

}  // namespace leakgate
