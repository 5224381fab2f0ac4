#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "model/retention.h"

namespace leakgate {

// `retentionPaths` (one entry per group) and `retention` (instances, sampled, capsHit) of a type.
nlohmann::json retention_paths_to_json(const Retention& r);
nlohmann::json retention_summary_to_json(const Retention& r);

// The retention of a finding as a report printed it ("retention" and "retentionPaths"), for a
// report read again; the hops carry types only. Nothing when the finding has none or it is not
// in that shape.
std::optional<Retention> retention_from_json(const nlohmann::json& finding);

}  // namespace leakgate
