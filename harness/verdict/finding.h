#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/judged_memory.h"
#include "model/retention.h"

namespace leakgate {

// One thing the verdict objects to. `rule` says which rule found it.
struct Finding {
  std::string type;    // a type key (type_key), "(GC heap)", or a memory category ("Heap")
  std::string metric;  // "instances", "bytes", "gcHeapAllocatedBytes" or "workingSetKb"
  std::string rule;    // "growth" (grows with the iterations) or "baseline" (over the baseline)
  std::optional<double> baseline;   // the baseline value, when the scenario has one for this key
  double warmup = 0;                // the value at the warm-up checkpoint
  double actual = 0;                // the value at the final checkpoint
  double growth_per_iteration = 0;  // least-squares slope over the checkpoints
  std::optional<double> limit;      // the largest value the baseline rule allows
  std::string kind = "managed";     // "managed" (SOS heap statistics) or "memory" (summary)
  std::string owner;               // memory of a .NET process split by owner: "native" or "runtime"
  std::vector<std::string> names;  // the names SOS printed, when they differ from the key
  std::vector<std::pair<int, double>> points;  // (iteration, value) the growth was fitted on
  std::string tolerance_source;        // where the limit came from: scenario, calibration, baseline
  std::optional<Retention> retention;  // what holds the instances (managed types, from the dump)
  std::vector<MappingGrowth> grown_mappings;  // memory: where it grew, warm-up to final

  // Of a baseline finding: whether the value was over the limit at the warm-up checkpoint already
  // (a larger footprint from the start) rather than crossing it during the run.
  std::optional<bool> over_limit_at_warmup() const {
    if (rule != "baseline" || !limit) return std::nullopt;
    return warmup > *limit;
  }
};

enum class Verdict { kPass, kLeak, kRegression, kError };

std::string to_string(Verdict v);

}  // namespace leakgate
