#pragma once

#include <nlohmann/json.hpp>

#include "model/retention.h"

namespace leakgate {

// `retentionPaths` (one entry per group) and `retention` (instances, sampled, capsHit) of a type.
nlohmann::json retention_paths_to_json(const Retention& r);
nlohmann::json retention_summary_to_json(const Retention& r);

}  // namespace leakgate
