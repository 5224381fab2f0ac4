#pragma once

#include <optional>
#include <vector>

#include "baseline/baseline.h"
#include "baseline/known_leaks.h"
#include "pipeline/run_options.h"
#include "scenario/manifest.h"
#include "verdict/scenario_result.h"

namespace leakgate {

// The scenarios of a run with their baselines, all read and validated before anything is launched:
// a bad manifest or baseline stops the run at once (exit 2), not halfway through.
struct SuitePlan {
  std::vector<Manifest> manifests;
  std::vector<std::optional<Baseline>> baselines;  // parallel to manifests
  std::vector<KnownLeak> known_leaks;              // baselines/known-leaks.json
};

SuitePlan plan_suite(const RunOptions& options);

// Runs every scenario of the plan in order and returns the results (reports are written by the
// caller, from the result).
RunResult run_suite(const SuitePlan& plan, const RunOptions& options);

}  // namespace leakgate
