#pragma once

namespace leakgate {

// How findings are decided (per scenario, from its manifest).
struct VerdictSettings {
  double min_growth_per_iteration = 1.0;  // instances per round trip that count as a leak
  double relative_tolerance = 0.25;       // over the baseline, per type
  double absolute_count = 50;             // instances over the baseline allowed in any case
  double absolute_bytes = 65536;          // bytes over the baseline allowed in any case
  double gc_heap_relative_tolerance = 0.25;
  double gc_heap_absolute_bytes = 1048576;
};

}  // namespace leakgate
