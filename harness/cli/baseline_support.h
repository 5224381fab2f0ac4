#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "verdict/scenario_result.h"

namespace leakgate {

// Why a scenario's run must not become (part of) its baseline, with the exit code to give; nullopt
// when it may: a failed run, a canary that caught nothing, or growth in a scenario expected to pass
// (unless the growth is accepted).
std::optional<std::pair<int, std::string>> refusal(const ScenarioResult& s, bool accept_growth);

// The environment fingerprint a baseline records, from the handshake and the tools used.
std::map<std::string, std::string> recorded_with(const ScenarioResult& s, const RunResult& run);

}  // namespace leakgate
