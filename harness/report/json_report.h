#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report/run_report.h"

namespace leakgate {

// report.json: the contract's keys (scenarios[] of name, verdict, expected, findings[] of type,
// metric, baseline, actual, growthPerIteration) plus everything measured. The summary's counts are
// the model's.
nlohmann::json report_to_json(const RunReport& report);

// A report.json read back into the model (`report merge`, and every view is rendered from it):
// a document of another schemaVersion, a field of the wrong type or an unknown verdict, metric or
// rule is an InputError naming `file` and the field (a JSON pointer); a field left out takes its
// default. Reading what report_to_json wrote gives the same report back.
RunReport report_from_json(const nlohmann::json& doc, const std::string& file);

}  // namespace leakgate
