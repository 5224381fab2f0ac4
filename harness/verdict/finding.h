#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/judged_memory.h"
#include "model/retention.h"

namespace leakgate {

// What a finding measures: a managed type or the GC heap (from the heap statistics), or a category
// of the memory summary.
enum class FindingKind { kManaged, kMemory };
// The number a finding is about.
enum class Metric { kInstances, kBytes, kGcHeapAllocatedBytes, kWorkingSetKb };
// The rule that found it: it grows with the iterations, or it is over the baseline.
enum class FindingRule { kGrowth, kBaseline };

// Their names in report.json ("managed", "gcHeapAllocatedBytes", "growth").
std::string to_string(FindingKind k);
std::string to_string(Metric m);
std::string to_string(FindingRule r);
// By name; false for a name that is not one of them.
bool parse_finding_kind(std::string_view name, FindingKind& out);
bool parse_metric(std::string_view name, Metric& out);
bool parse_finding_rule(std::string_view name, FindingRule& out);

// One thing the verdict objects to. `rule` says which rule found it.
struct Finding {
  std::string type;  // a type key (type_key), "(GC heap)", or a memory category ("Heap")
  Metric metric = Metric::kInstances;
  FindingRule rule = FindingRule::kGrowth;
  std::optional<double> baseline;   // the baseline value, when the scenario has one for this key
  double warmup = 0;                // the value at the warm-up checkpoint
  double actual = 0;                // the value at the final checkpoint
  double growth_per_iteration = 0;  // least-squares slope over the checkpoints
  std::optional<double> limit;      // the largest value the baseline rule allows
  FindingKind kind = FindingKind::kManaged;
  std::string owner;               // memory of a .NET process split by owner: "native" or "runtime"
  std::vector<std::string> names;  // the names SOS printed, when they differ from the key
  std::vector<std::pair<int, double>> points;  // (iteration, value) the growth was fitted on
  std::string tolerance_source;        // where the limit came from: scenario, calibration, baseline
  std::optional<Retention> retention;  // what holds the instances (managed types, from the dump)
  std::vector<MappingGrowth> grown_mappings;  // memory: where it grew, warm-up to final

  // Of a baseline finding: whether the value was over the limit at the warm-up checkpoint already
  // (a larger footprint from the start) rather than crossing it during the run.
  std::optional<bool> over_limit_at_warmup() const {
    if (rule != FindingRule::kBaseline || !limit) return std::nullopt;
    return warmup > *limit;
  }
};

enum class Verdict { kPass, kLeak, kRegression, kError };

std::string to_string(Verdict v);

}  // namespace leakgate
