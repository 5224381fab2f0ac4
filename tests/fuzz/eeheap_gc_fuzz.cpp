// Fuzz target for the `eeheap -gc` parser: any input either parses or raises a leakgate::Error. A
// parsed summary has at least one heap and every segment it keeps is [begin, committed) with
// begin <= committed (the memory summary looks the GC heap up by these ranges).
#include "collect/sos_parsers.h"
#include "common/errors.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  GcHeapSummary summary;
  try {
    summary = parse_eeheap_gc(fuzz::text_of(data, size));
  } catch (const Error&) {
    return 0;
  }
  fuzz::check(summary.heap_count > 0, "eeheap -gc: a heap count below 1 accepted");
  for (const auto& [begin, committed] : summary.segments) {
    fuzz::check(begin <= committed, "eeheap -gc: a segment that ends before it begins");
  }
  return 0;
}
