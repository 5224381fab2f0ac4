#pragma once

#include <map>

#include "model/memory_summary.h"

namespace leakgate {

// How a memory-summary category is judged.
struct MemoryTolerance {
  double min_growth_kb_per_iteration = 64;  // resident KiB per round trip that count as a leak
  double relative = 0.25;                   // over the baseline
  double absolute_kb = 16384;               // over the baseline allowed in any case
};

// Built-in defaults per category: tight where memory should not move (stacks, page tables),
// looser where runtimes breathe (Other Data holds the GC heap and JIT code).
MemoryTolerance default_memory_tolerance(MemoryCategory c);

// How findings are decided (per scenario, from its manifest).
struct VerdictSettings {
  double min_growth_per_iteration = 1.0;  // instances per round trip that count as a leak
  double relative_tolerance = 0.25;       // over the baseline, per type
  double absolute_count = 50;             // instances over the baseline allowed in any case
  double absolute_bytes = 65536;          // bytes over the baseline allowed in any case
  double gc_heap_relative_tolerance = 0.25;
  double gc_heap_absolute_bytes = 1048576;
  double noise_floor_count = 2;  // a type whose count changes less than this is noise
  double noise_floor_kb = 32;    // a memory category that changes less than this is noise
  std::map<MemoryCategory, MemoryTolerance> memory;  // overrides of the defaults
  // verdict.judgeMemory: the memory summary's categories are judged (else only reported: a test
  // host's native memory is its test runner's too)
  bool judge_memory = true;

  MemoryTolerance memory_tolerance(MemoryCategory c) const {
    const auto it = memory.find(c);
    return it == memory.end() ? default_memory_tolerance(c) : it->second;
  }
};

}  // namespace leakgate
