// Fuzz target for the /proc parsers and the classifier: any input either parses (and then
// classifies with columns that add up) or raises ParseError; nothing else may happen.
//   libFuzzer (clang): cmake -DCMAKE_CXX_COMPILER=clang++ -DLEAKGATE_FUZZ=ON; build/bin/smaps_fuzz
//   any compiler: build/bin/smaps_fuzz_replay runs the seeds and mutations of them (in ctest).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "collect/memory_classifier.h"
#include "collect/proc_parsers.h"
#include "common/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace leakgate;
  try {
    ProcessMemory p;
    p.vmas = parse_smaps(text);
    p.stack_pointers = {0x7ffc00000000ull};
    const MemorySummary s = classify_memory(p);
    for (auto c : kMemoryCategories) {
      const MemoryRow& r = s.row(c);
      if (r.private_kb + r.shareable_kb + r.shared_kb != r.kbytes) std::abort();
    }
  } catch (const ParseError&) {
  }
  try {
    (void)parse_status_kb(text, "VmPTE");
  } catch (const ParseError&) {
  }
  (void)parse_syscall_stack_pointer(text);
  return 0;
}
