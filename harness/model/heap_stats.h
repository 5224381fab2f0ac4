#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace leakgate {

// One row of `dumpheap -stat`: every object of one type on the managed heap.
struct TypeStat {
  std::uint64_t method_table = 0;  // address: valid only inside one dump, never a key
  std::string type;                // class name as SOS prints it
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
};

struct HeapStats {
  std::vector<TypeStat> types;  // in SOS order (ascending total size)
  std::uint64_t total_objects = 0;
  std::uint64_t total_bytes = 0;
};

// Count and bytes of one type: the unit that baselines and verdicts compare.
struct TypeTotal {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  bool operator==(const TypeTotal&) const = default;
};

// The totals of `eeheap -gc`.
struct GcHeapSummary {
  int heap_count = 0;
  std::uint64_t allocated_bytes = 0;
  std::uint64_t committed_bytes = 0;
  // [begin, committed) of every segment or region listed, to find the GC heap in the memory map.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> segments;
  // From the heap engine (SOS's eeheap -gc does not list them), [begin, end) ranges: what else the
  // GC holds (free regions it keeps committed, its bookkeeping, the handle tables), and the
  // runtime's loader, code and stub heaps. `owners_known`: the engine could list them, so the rest
  // of the process's anonymous memory is native.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> gc_owned;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> runtime_owned;
  bool owners_known = false;
  // The GC's configuration, as the engine read it from the runtime (eeheap -gc says less).
  std::optional<bool> server;
  int dynamic_adaptation = -1;  // DATAS: 0 off, 1 on; -1: the runtime does not say
};

}  // namespace leakgate
