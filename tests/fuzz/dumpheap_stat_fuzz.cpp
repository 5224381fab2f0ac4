// Fuzz target for the `dumpheap -stat` parser: any input either parses or raises a leakgate::Error.
// A parsed table must add up to its total line without wrapping around, printed again the way SOS
// prints it it must parse to the same rows (so no row is half-read), and its totals per type key
// (what baselines and verdicts compare) must add up to the same total.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "collect/sos_parsers.h"
#include "common/errors.h"
#include "fuzz_support.h"
#include "model/snapshot.h"
#include "model/type_key.h"
#include "model/type_totals.h"

namespace {

std::string print_like_sos(const leakgate::HeapStats& stats) {
  std::string out = "Statistics:\n              MT    Count    TotalSize Class Name\n";
  char numbers[96];
  for (const auto& row : stats.types) {
    std::snprintf(numbers, sizeof numbers, "%016" PRIx64 " %8" PRIu64 " %12" PRIu64 " ",
                  row.method_table, row.count, row.bytes);
    out += numbers + row.type + "\n";
  }
  std::snprintf(numbers, sizeof numbers, "Total %" PRIu64 " objects, %" PRIu64 " bytes\n",
                stats.total_objects, stats.total_bytes);
  return out + numbers;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  HeapStats stats;
  try {
    stats = parse_dumpheap_stat(fuzz::text_of(data, size));
  } catch (const Error&) {
    return 0;
  }
  // Unsigned sums wrap the same way the parser's do: the check is exact.
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;
  for (const auto& row : stats.types) {
    fuzz::check(!row.type.empty(), "a dumpheap row without a class name");
    // A row larger than the total means the sum wrapped around: 2^64 objects are no heap.
    fuzz::check(row.count <= stats.total_objects && row.bytes <= stats.total_bytes,
                "a dumpheap row larger than the total (the sum wrapped around)");
    const std::string key = type_key(row.type);
    fuzz::check(type_key(key) == key, "type_key is not stable on its own output");
    (void)is_framework_type(row.type);
    objects += row.count;
    bytes += row.bytes;
  }
  fuzz::check(objects == stats.total_objects && bytes == stats.total_bytes,
              "dumpheap rows do not add up to the total line");

  Checkpoint checkpoint;
  checkpoint.heap = stats;
  objects = 0;
  bytes = 0;
  const auto totals = type_totals(checkpoint);
  for (const auto& [key, total] : totals) {
    objects += total.count;
    bytes += total.bytes;
  }
  fuzz::check(objects == stats.total_objects && bytes == stats.total_bytes,
              "the totals per type key do not add up to the total line");
  const auto names = type_names(checkpoint);
  fuzz::check(names.size() == totals.size(), "type names and type totals have other keys");

  HeapStats again;
  try {
    again = parse_dumpheap_stat(print_like_sos(stats));
  } catch (const Error&) {
    fuzz::check(false, "a parsed dumpheap table, printed again, does not parse");
  }
  fuzz::check(again.types.size() == stats.types.size(), "reprinted table: another row count");
  for (std::size_t i = 0; i < stats.types.size(); ++i) {
    const auto& a = stats.types[i];
    const auto& b = again.types[i];
    fuzz::check(a.method_table == b.method_table && a.count == b.count && a.bytes == b.bytes &&
                    a.type == b.type,
                "reprinted table: a row reads differently");
  }
  return 0;
}
