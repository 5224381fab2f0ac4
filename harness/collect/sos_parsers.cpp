#include "collect/sos_parsers.h"

#include <limits>
#include <string>

#include "common/errors.h"
#include "common/text_lines.h"

namespace leakgate {
namespace {

// "Total 490 objects, 95,528 bytes"
bool parse_total_line(std::string_view line, HeapStats& stats) {
  const auto words = text::split_words(line);
  if (words.size() != 5 || words[0] != "Total" || words[2] != "objects," || words[4] != "bytes") {
    return false;
  }
  const auto objects = text::parse_grouped_decimal(words[1]);
  const auto bytes = text::parse_grouped_decimal(words[3]);
  if (!objects || !bytes) return false;
  stats.total_objects = *objects;
  stats.total_bytes = *bytes;
  return true;
}

// "7fbd3ca5dd58   239    43,472 System.String" - the class name is the rest of the line and may
// hold spaces (generic arguments).
TypeStat parse_stat_row(std::string_view line, std::size_t line_no) {
  const auto words = text::split_words(line);
  if (words.size() < 4)
    throw ParseError(line_no, "dumpheap row needs MT, Count, TotalSize, Class Name");
  TypeStat row;
  const auto mt = text::parse_hex(words[0]);
  const auto count = text::parse_grouped_decimal(words[1]);
  const auto bytes = text::parse_grouped_decimal(words[2]);
  if (!mt || !count || !bytes) {
    throw ParseError(line_no, "dumpheap row is not 'MT Count TotalSize Class Name': " +
                                  std::string(text::trim(line)));
  }
  row.method_table = *mt;
  row.count = *count;
  row.bytes = *bytes;
  const std::size_t name_start = static_cast<std::size_t>(words[3].data() - line.data());
  row.type = std::string(text::trim(line.substr(name_start)));
  return row;
}

}  // namespace

HeapStats parse_dumpheap_stat(std::string_view output) {
  const auto lines = text::split_lines(output);
  std::size_t i = 0;
  while (i < lines.size() && text::trim(lines[i]) != "Statistics:") ++i;
  if (i == lines.size())
    throw ParseError(lines.size(), "no 'Statistics:' line from dumpheap -stat");
  ++i;
  if (i == lines.size() || text::split_words(lines[i]).size() < 4 ||
      text::split_words(lines[i])[0] != "MT") {
    throw ParseError(i + 1, "expected the header 'MT Count TotalSize Class Name'");
  }
  HeapStats stats;
  std::uint64_t counted_objects = 0;
  std::uint64_t counted_bytes = 0;
  for (++i; i < lines.size(); ++i) {
    const std::string_view line = text::trim(lines[i]);
    if (line.empty()) continue;
    if (line.starts_with("Total ")) {
      if (!parse_total_line(line, stats)) throw ParseError(i + 1, "malformed total line");
      if (stats.total_objects != counted_objects || stats.total_bytes != counted_bytes) {
        throw ParseError(i + 1, "the rows add up to " + std::to_string(counted_objects) +
                                    " objects, " + std::to_string(counted_bytes) +
                                    " bytes, but the total line says otherwise");
      }
      return stats;
    }
    stats.types.push_back(parse_stat_row(line, i + 1));
    const TypeStat& row = stats.types.back();
    // A sum that wraps around could match a made-up total line; no heap holds 2^64 of either.
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    if (row.count > kMax - counted_objects || row.bytes > kMax - counted_bytes) {
      throw ParseError(i + 1, "the dumpheap rows add up to more than 2^64 objects or bytes");
    }
    counted_objects += row.count;
    counted_bytes += row.bytes;
  }
  throw ParseError(lines.size(), "dumpheap -stat output ended before its 'Total' line");
}

namespace {

// "GC Allocated Heap Size:    Size: 0x1b038 (110648) bytes."
std::optional<std::uint64_t> parse_size_line(std::string_view line) {
  const auto open = line.find('(');
  const auto close = line.find(')', open);
  if (open == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
  return text::parse_grouped_decimal(line.substr(open + 1, close - open - 1));
}

// "segment begin allocated committed [sizes]": four bare hex addresses.
bool parse_segment_line(std::string_view line, GcHeapSummary& summary) {
  const auto words = text::split_words(line);
  if (words.size() < 4) return false;
  std::uint64_t address[4];
  for (int i = 0; i < 4; ++i) {
    if (words[i].starts_with("0x")) return false;
    const auto v = text::parse_hex(words[i]);
    if (!v) return false;
    address[i] = *v;
  }
  if (address[3] >= address[1]) summary.segments.emplace_back(address[1], address[3]);
  return true;
}

}  // namespace

GcHeapSummary parse_eeheap_gc(std::string_view output) {
  const auto lines = text::split_lines(output);
  GcHeapSummary summary;
  bool saw_allocated = false;
  bool saw_committed = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = text::trim(lines[i]);
    if (parse_segment_line(line, summary)) continue;
    if (line.starts_with("Number of GC Heaps:")) {
      const auto n = text::parse_grouped_decimal(text::trim(line.substr(19)));
      // The count is kept as an int: a larger one would wrap to a negative or zero heap count.
      if (!n || *n == 0 || *n > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
        throw ParseError(i + 1, "malformed 'Number of GC Heaps' line");
      }
      summary.heap_count = static_cast<int>(*n);
    } else if (line.starts_with("GC Allocated Heap Size:")) {
      const auto n = parse_size_line(line);
      if (!n) throw ParseError(i + 1, "malformed 'GC Allocated Heap Size' line");
      summary.allocated_bytes = *n;
      saw_allocated = true;
    } else if (line.starts_with("GC Committed Heap Size:")) {
      const auto n = parse_size_line(line);
      if (!n) throw ParseError(i + 1, "malformed 'GC Committed Heap Size' line");
      summary.committed_bytes = *n;
      saw_committed = true;
    }
  }
  if (summary.heap_count == 0 || !saw_allocated || !saw_committed) {
    throw ParseError(lines.size(),
                     "eeheap -gc output lacks 'Number of GC Heaps' or the GC heap size totals");
  }
  return summary;
}

}  // namespace leakgate
