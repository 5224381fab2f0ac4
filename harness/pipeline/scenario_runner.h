#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "baseline/baseline.h"
#include "baseline/known_leaks.h"
#include "pipeline/dump_keeper.h"
#include "pipeline/run_options.h"
#include "pipeline/scenario_source.h"
#include "scenario/manifest.h"
#include "verdict/scenario_result.h"

namespace leakgate {

// One scenario, start to end: its checkpoints from the source (a live run, or a recorded one read
// again), then the verdict against the baseline and the known leaks, the retention paths of the
// findings, and the notes. A scenario or tool failure becomes verdict "error" with the message;
// only an interrupt propagates.
ScenarioResult run_scenario(const Manifest& manifest, const std::optional<Baseline>& baseline,
                            const std::vector<KnownLeak>& known_leaks, const RunOptions& options,
                            ScenarioSource& source, DumpKeeper& dumps);

}  // namespace leakgate
