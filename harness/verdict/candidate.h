#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "verdict/evidence.h"

namespace leakgate {

// One thing that can leak, with its value at every checkpoint: a managed type (by key), the GC
// heap as a whole, or a memory-summary category.
struct Candidate {
  enum class Kind { kManagedType, kGcHeap, kMemory };
  Kind kind = Kind::kManagedType;
  std::string key;
  std::vector<std::string> names;              // SOS's names for a type key, when they differ
  std::vector<std::pair<int, double>> points;  // (iteration, instances | bytes | KiB)
  std::string owner;       // memory split by owner: "native" or "runtime" (model/judged_memory.h)
  double final_bytes = 0;  // managed types: bytes at the final checkpoint
  double warmup_bytes = 0;

  double warmup() const { return points.front().second; }
  double actual() const { return points.back().second; }
  std::string metric() const;
  std::string kind_name() const;  // "managed" or "memory"
};

// Every candidate of the evidence: each type key seen at any checkpoint, the GC heap, each
// memory category (when the checkpoints have a memory summary).
std::vector<Candidate> candidates(const Evidence& evidence);

}  // namespace leakgate
