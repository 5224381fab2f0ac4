#pragma once

#include <string_view>

#include "model/heap_stats.h"

namespace leakgate {

// Pure parsers of SOS output as printed by `dotnet-dump analyze`. They take the whole output of a
// session (other commands' output may come before and after) and throw ParseError naming the
// line when the expected table is missing or malformed.

// `dumpheap -stat`: the table after "Statistics:" up to its "Total N objects, M bytes" line. The
// row counts are checked against that total line.
HeapStats parse_dumpheap_stat(std::string_view output);

// `eeheap -gc`: the heap count and the GC allocated / committed totals (the last ones printed,
// which are the totals over all heaps under server GC).
GcHeapSummary parse_eeheap_gc(std::string_view output);

}  // namespace leakgate
