// Fuzz target for the /proc parsers and the classifier: any input either parses or raises a
// leakgate::Error. Parsed smaps classify into rows whose columns add up to the row, none of them
// larger than the row (a larger one means a sum wrapped around), for every category and module.
//   libFuzzer: scripts/fuzz.sh (build/fuzz/bin/smaps_fuzz); any compiler: smaps_fuzz_replay runs
//   the seeds and mutations of them (ctest fuzz.smaps_replay).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collect/memory_classifier.h"
#include "collect/proc_parsers.h"
#include "common/errors.h"
#include "fuzz_support.h"

namespace {

void check_row(const leakgate::MemoryRow& r) {
  using leakgate::fuzz::check;
  check(r.private_kb + r.shareable_kb + r.shared_kb == r.kbytes,
        "memory summary: the columns do not add up to the row");
  check(r.private_kb <= r.kbytes && r.shareable_kb <= r.kbytes && r.shared_kb <= r.kbytes,
        "memory summary: a column larger than its row (a sum wrapped around)");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  const std::string_view text = fuzz::text_of(data, size);
  try {
    ProcessMemory p;
    p.vmas = parse_smaps(text);
    p.stack_pointers = {0x7ffc00000000ull};
    MemorySummary s = classify_memory(p);
    for (auto c : kMemoryCategories) check_row(s.row(c));
    for (const auto& m : s.modules) check_row(m.row);
    // Ownership as the heap engine gives it: a GC region range, GC-owned and runtime ranges.
    GcHeapSummary gc;
    gc.segments = {{0x7f0000000000ull, 0x7f0001000000ull}};
    gc.gc_owned = {{0x7f0001000000ull, 0x7f0004000000ull}, {0x7e0000000000ull, 0x7e0008000000ull}};
    gc.runtime_owned = {{0x7f1000000000ull, 0x7f1000100000ull}};
    gc.committed_bytes = 16u << 20;
    gc.owners_known = true;
    reclaim_gc_ranges(s, gc);
    for (auto c : kMemoryCategories) check_row(s.row(c));
    const Reconciliation r = reconcile(s, gc);
    fuzz::check(r.gc_owned_kb() + r.runtime_kb() <= r.other_data_kb &&
                    r.gc_owned_kb() + r.runtime_kb() + r.unexplained_kb == r.other_data_kb,
                "smaps: Other Data's owners do not add up to it");
  } catch (const Error&) {
  }
  try {
    (void)parse_status_kb(text, "VmPTE");
  } catch (const Error&) {
  }
  (void)parse_syscall_stack_pointer(text);
  return 0;
}
