#pragma once

#include <nlohmann/json.hpp>

#include "model/leak.h"

namespace leakgate::engine {

// The body of the heap engine's "leaks" reply (harness/heap-engine/PROTOCOL.md). Pure: checks every
// field (a ParseError names the leak, hop or member). Heads and members get their type keys and
// relations (the head; on the path; held through the head, when most of its instances are; else
// beside); head_growth_per_iteration is left for the caller.
LeakAnalysis parse_leaks(const nlohmann::json& body);

}  // namespace leakgate::engine
