#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "verdict/scenario_result.h"

namespace leakgate {

// report.json: the contract's keys (scenarios[] of name, verdict, expected, findings[] of type,
// metric, baseline, actual, growthPerIteration) plus everything measured.
nlohmann::json report_to_json(const RunResult& run, int exit_code);

}  // namespace leakgate
