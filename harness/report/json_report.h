#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "verdict/scenario_result.h"

namespace leakgate {

// report.json: the contract's keys (scenarios[] of name, verdict, expected, findings[] of type,
// metric, baseline, actual, growthPerIteration) plus everything measured.
nlohmann::json report_to_json(const RunResult& run, int exit_code);

// The report of a run that could not finish (bad input, an interrupt, a failure outside any
// scenario): no scenarios, and "aborted": {kind, message}, so CI never publishes an older result
// in its place.
nlohmann::json aborted_report_json(const std::string& kind, const std::string& message,
                                   int exit_code);

}  // namespace leakgate
