#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "collect/proc_parsers.h"
#include "model/memory_summary.h"

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

// Of Other Data: what the GC heap's segments and the runtime's code heaps hold, and the rest.
// `gc_segments` are [begin, end) address ranges from eeheap -gc.
Reconciliation reconcile(const MemorySummary& summary,
                         const std::vector<std::pair<std::uint64_t, std::uint64_t>>& gc_segments,
                         std::uint64_t gc_committed_bytes);

}  // namespace leakgate
