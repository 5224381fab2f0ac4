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

// Tolerances for one type or category, set in the baseline; unset fields fall back.
struct ToleranceOverride {
  std::optional<double> relative;
  std::optional<double> absolute;  // instances for types, KiB for memory categories
  std::optional<double> min_growth_per_iteration;
  bool operator==(const ToleranceOverride&) const = default;
};

// What `leakgate calibrate` observed over repeated runs: the range of each final value.
struct Spread {
  double min = 0;
  double max = 0;
  bool operator==(const Spread&) const = default;
};

struct Calibration {
  int runs = 0;
  std::map<std::string, Spread> type_counts;  // by type key
  std::map<std::string, Spread> memory_kb;    // by category label
  bool operator==(const Calibration&) const = default;
};

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
  std::map<std::string, ToleranceOverride> type_tolerances;    // by type key
  std::map<std::string, ToleranceOverride> memory_tolerances;  // by category label
  std::optional<Calibration> calibration;
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
