#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "collect/proc_parsers.h"
#include "model/heap_stats.h"
#include "model/memory_summary.h"
#include "model/snapshot.h"

namespace leakgate {

// What /proc says of one process, read at one moment.
struct ProcessMemory {
  std::vector<Vma> vmas;
  std::uint64_t page_table_kb = 0;            // VmPTE
  std::vector<std::uint64_t> stack_pointers;  // one per thread whose stack pointer was read
  int threads = 0;
  std::uint64_t page_kb = 4;
  // Per stack mapping (by start address): resident pages below the thread's stack pointer that
  // hold only zeros. Reading a process (a heap dump reads every thread stack whole) makes such
  // pages resident on some kernels; the thread never used them, so Stack leaves them out.
  std::map<std::uint64_t, std::uint64_t> idle_stack_kb;
};

// Puts every mapping in one category and adds up the columns (pure: no I/O).
MemorySummary classify_memory(const ProcessMemory& process);

// A GC region can have the shape of a malloc arena (32 MiB on a 64 MiB boundary, the rest of the
// GC's reservation after it): mappings Heap took for arenas that hold a range `gc` lists go back
// to Other Data.
void reclaim_gc_ranges(MemorySummary& summary, const GcHeapSummary& gc);

// Of Other Data: what the GC and the runtime hold (by the address ranges `gc` lists), and the rest.
Reconciliation reconcile(const MemorySummary& summary, const GcHeapSummary& gc);

// Both of the above on a checkpoint that has a memory summary and the GC's ranges: its summary
// corrected, its reconciliation set. Nothing without both.
void attribute_runtime_memory(Checkpoint& checkpoint);

}  // namespace leakgate
