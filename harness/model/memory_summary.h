#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace leakgate {

// The categories of the article's `vadump -sop` view, as leakgate defines them on Linux
// (docs/memory-summary.md says which mappings and smaps fields make each).
enum class MemoryCategory {
  kPageTables,   // VmPTE from /proc/PID/status
  kOtherSystem,  // [vdso], [vvar], [vsyscall]: kernel-provided mappings
  kCode,         // file-backed images: executables, shared objects, managed assemblies
  kHeap,         // [heap] (brk) and glibc malloc arenas
  kStack,        // the stack of every thread, found from the thread's stack pointer
  kMappedData,   // other file-backed mappings
  kOtherData,    // anonymous memory: the GC heap, JIT code, loader heaps, large malloc blocks
  // Not in the vadump view: Other Data split by owner, for a .NET process whose heap the engine
  // read (model/judged_memory.h). What neither the GC nor the runtime owns, and what the runtime
  // owns (its double-mapped code heaps, loader and stub heaps).
  kNativeData,
  kRuntimeCode,
};

inline constexpr std::array<MemoryCategory, 7> kMemoryCategories = {
    MemoryCategory::kPageTables, MemoryCategory::kOtherSystem, MemoryCategory::kCode,
    MemoryCategory::kHeap,       MemoryCategory::kStack,       MemoryCategory::kMappedData,
    MemoryCategory::kOtherData};

// "Other Data" (the vadump label) and "otherData" (the JSON key); "Native Data", "Runtime Code".
std::string_view category_label(MemoryCategory c);
std::string_view category_key(MemoryCategory c);
// By label or key; false when neither matches.
bool category_from_name(std::string_view name, MemoryCategory& out);

// One row of the table. Every value is resident memory in KiB; private + shareable + shared is
// the whole of kbytes.
struct MemoryRow {
  std::uint64_t kbytes = 0;  // resident (smaps Rss)
  std::uint64_t private_kb = 0;
  std::uint64_t shareable_kb = 0;
  std::uint64_t shared_kb = 0;
  MemoryRow& operator+=(const MemoryRow& o);
};

struct ModuleMemory {
  std::string path;
  MemoryRow row;
};

// A resident anonymous range that Other Data counts, kept so the GC heap can be located in it.
struct ResidentRange {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::uint64_t kbytes = 0;
  bool runtime_code = false;  // /memfd:doublemapper: the runtime's code heaps (.NET W^X)
};

// A mapping Heap counts because it has the shape of a glibc malloc arena (not [heap] itself).
struct ArenaRange {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  MemoryRow row;
};

// One resident mapping and the category that counts it (once split by owner: Native Data or
// Runtime Code for Other Data the GC does not own), for saying where a category grew.
struct MappingKb {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::string name;  // the file, "[heap]", "[stack]", or "" (anonymous)
  MemoryCategory category = MemoryCategory::kOtherData;
  std::uint64_t kbytes = 0;
};

struct MemorySummary {
  std::uint64_t page_kb = 4;
  std::map<MemoryCategory, MemoryRow> categories;  // every category, zero rows included
  std::vector<ModuleMemory> modules;               // Code/StaticData per file, largest first
  std::vector<ResidentRange> other_data_ranges;
  std::vector<ArenaRange> arena_ranges;
  std::vector<MappingKb> mappings;    // every resident mapping, in address order
  std::uint64_t runtime_code_kb = 0;  // part of Other Data in /memfd:doublemapper (.NET W^X)
  int threads = 0;
  int stacks_found = 0;  // threads whose stack mapping was found
  // Zero-filled stack pages below the stack pointers, made resident by reading the process (a
  // heap dump), not by the threads: in no category (ProcessMemory::idle_stack_kb).
  std::uint64_t idle_stack_kb = 0;

  const MemoryRow& row(MemoryCategory c) const;
  MemoryRow total_modules() const;       // Code/StaticData
  MemoryRow total_dynamic_data() const;  // Heap + Stack + Mapped Data + Other Data
  MemoryRow total_system() const;        // Page Table Pages + Other System
  MemoryRow grand_total() const;
  std::uint64_t pages(std::uint64_t kb) const { return kb / page_kb; }
};

// Who owns Other Data: the GC (its segments from eeheap -gc; with the heap engine also the free
// regions it keeps committed, its bookkeeping and handle tables), the runtime (its code heaps; with
// the engine also its loader and stub heaps), and the rest. Each resident mapping counts once, for
// the first owner in that order whose ranges it overlaps.
struct Reconciliation {
  std::uint64_t other_data_kb = 0;
  std::uint64_t gc_heap_resident_kb = 0;   // mappings that hold GC heap segments
  std::uint64_t gc_other_resident_kb = 0;  // mappings that hold the GC's other ranges only
  std::uint64_t gc_heap_committed_kb = 0;  // eeheap -gc's committed total
  std::uint64_t runtime_code_kb = 0;       // /memfd:doublemapper
  std::uint64_t runtime_data_kb = 0;       // mappings that hold loader or stub heaps
  std::uint64_t unexplained_kb = 0;
  // The engine listed every range the runtime owns: what is left (unexplained_kb) is native
  // memory (native libraries, large malloc blocks, AllocHGlobal, mmap of the app's own).
  bool split = false;

  std::uint64_t gc_owned_kb() const { return gc_heap_resident_kb + gc_other_resident_kb; }
  std::uint64_t runtime_kb() const { return runtime_code_kb + runtime_data_kb; }
};

}  // namespace leakgate
