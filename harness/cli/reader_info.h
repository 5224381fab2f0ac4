#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cli/engine_heap.h"

namespace leakgate {

// What read the heap, for the JSON of the by-hand commands: {"reader":"engine","how":...,
// "engine": the reply's `section` (timings, the engine's peak RSS)}.
nlohmann::json engine_reader(const EngineHeap& heap, const nlohmann::json& reply,
                             const std::string& section);

// `reader` with leakgate's own peak resident set ("leakgatePeakRssBytes"), taken now.
nlohmann::json with_own_peak_rss(nlohmann::json reader);

}  // namespace leakgate
