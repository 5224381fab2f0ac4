#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "model/heap_stats.h"

namespace leakgate {

// What a type looked like at the final checkpoint when the baseline was recorded.
using TypeBaseline = TypeTotal;

struct Baseline {
  static constexpr int kSchemaVersion = 1;
  std::string scenario;
  int iterations = 0;
  // The runtime and GC settings it was recorded under (from the handshake), and the tool versions.
  std::map<std::string, std::string> recorded_with;
  std::optional<std::uint64_t> gc_heap_allocated_bytes;
  std::map<std::string, TypeBaseline> types;       // by type name; sorted, so the file diffs well
  std::map<std::string, std::uint64_t> memory_kb;  // resident KiB by memory-summary category
  // Why growth was accepted in a scenario expected to pass, if it ever was.
  std::optional<std::string> accepted_growth;
  bool operator==(const Baseline&) const = default;
};

// The JSON form of a baseline: stable key order, one type per line in the checked-in file
// (render_baseline).
nlohmann::json baseline_to_json(const Baseline& baseline);
// Throws InputError naming `file` and the field.
Baseline baseline_from_json(const nlohmann::json& doc, const std::string& file);
std::string render_baseline(const Baseline& baseline);

std::filesystem::path baseline_path(const std::filesystem::path& dir, const std::string& scenario);
// nullopt when the scenario has no baseline yet; InputError when the file is invalid.
std::optional<Baseline> load_baseline(const std::filesystem::path& dir,
                                      const std::string& scenario);
// Written atomically.
void store_baseline(const std::filesystem::path& dir, const Baseline& baseline);

}  // namespace leakgate
