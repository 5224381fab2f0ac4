#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "verdict/evidence.h"
#include "verdict/finding.h"

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
  double before_final_bytes = 0;  // and at the checkpoint before it
  double warmup_bytes = 0;
  // A managed type judged net of the managed threads: what new threads brought (net_of_threads)
  // is the threads'; `net_points` are the counts less that (empty: not judged so), and the growth
  // rule judges them. `thread_steps`: per step, some of the gain was taken as the threads'.
  std::vector<std::pair<int, double>> net_points;
  std::vector<bool> thread_steps;
  std::pair<double, double> threads;  // managed threads at the warm-up and final checkpoints

  double warmup() const { return points.front().second; }
  double actual() const { return points.back().second; }
  // What the baseline rule holds against its limit: with three checkpoints or more, the smaller of
  // the last two values (over the limit at the final checkpoint alone is one late step a run may
  // or may not take, such as a lazy initialisation: not a footprint); else the final value.
  double lasting() const;
  double lasting_bytes() const;
  Metric metric() const;
};

// The managed type whose instance count is the number of managed threads.
inline constexpr const char* kThreadType = "System.Threading.Thread";

// How many instances one new managed thread may bring of any one type.
inline constexpr int kMaxPerThread = 12;

// A type's counts less what new managed threads explain. Each thread added between two checkpoints
// may bring up to kMaxPerThread instances of the type (a thread-pool thread brings 7 to 11 Object[]
// of thread-static storage on .NET 10, by what it ran), in that stretch or the next: a thread's
// thread-local state is made when it first runs work, which can be after the checkpoint that
// counted its Thread (seen: Threads 13 -> 13 -> 15 -> 15 while the pool's per-thread queues went
// 5 -> 5 -> 6 -> 7).
struct ThreadShare {
  std::vector<std::pair<int, double>> net;  // the counts less the threads' share
  std::vector<bool> steps;                  // per step: some of the gain was the threads'
};
// nullopt when the threads did not rise, or rose at every step (then threads and iterations
// cannot be told apart).
std::optional<ThreadShare> net_of_threads(const std::vector<std::pair<int, double>>& counts,
                                          const std::vector<double>& threads);

// Every candidate of the evidence: each type key seen at any checkpoint, the GC heap, each
// memory category (when the checkpoints have a memory summary).
std::vector<Candidate> candidates(const Evidence& evidence);

}  // namespace leakgate
