#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "baseline/baseline.h"
#include "baseline/known_leaks.h"
#include "collect/collector.h"
#include "pipeline/dump_keeper.h"
#include "pipeline/progress.h"
#include "pipeline/run_options.h"
#include "scenario/manifest.h"
#include "verdict/scenario_result.h"

namespace leakgate {

// One scenario, start to end: launch, handshake, warm-up, settle, checkpoint; the round trips,
// settle, checkpoint; shut down; judge against the baseline. A scenario or tool failure becomes
// verdict "error" with the message; only an interrupt propagates.
ScenarioResult run_scenario(const Manifest& manifest, const std::optional<Baseline>& baseline,
                            const std::vector<KnownLeak>& known_leaks, const RunOptions& options,
                            std::vector<std::unique_ptr<Collector>>& collectors,
                            const Progress& progress, DumpKeeper& dumps);

}  // namespace leakgate
