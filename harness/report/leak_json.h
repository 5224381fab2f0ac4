#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "model/leak.h"

namespace leakgate {

// A scenario's "leaks" (each with its head, root, path, members and what it retains),
// "moreLeaks" and "unreachable", as report.json holds them.
void leaks_to_json(const LeakAnalysis& analysis, nlohmann::json& scenario);

// The same read back from a report (rejudge, merge): lenient, a field of the wrong shape is left
// at its default, a leak without a head or a path is dropped.
LeakAnalysis leaks_from_json(const nlohmann::json& scenario);

}  // namespace leakgate
