#include "collect/sos_parsers.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/errors.h"
#include "unit/test_support.h"

namespace leakgate {
namespace {

const TypeStat* find(const HeapStats& stats, const std::string& type) {
  const auto it = std::find_if(stats.types.begin(), stats.types.end(),
                               [&](const TypeStat& t) { return t.type == type; });
  return it == stats.types.end() ? nullptr : &*it;
}

TEST(DumpheapStat, ReadsEveryRowOfARealLeakingHeap) {
  const HeapStats stats = parse_dumpheap_stat(test::fixture("sos/forms-leak-workstation.txt"));
  EXPECT_EQ(stats.total_objects, 5135u);
  EXPECT_EQ(stats.total_bytes, 346730u);
  ASSERT_GT(stats.types.size(), 100u);
  const TypeStat* form = find(stats, "FormsApp.CustomerForm");
  ASSERT_NE(form, nullptr);
  EXPECT_EQ(form->count, 25u);  // 25 round trips, none collected: the leak
  EXPECT_NE(form->method_table, 0u);
}

TEST(DumpheapStat, KeepsGenericNamesWithSpacesWhole) {
  const HeapStats stats = parse_dumpheap_stat(test::fixture("sos/forms-leak-workstation.txt"));
  EXPECT_NE(find(stats, "System.Collections.Generic.Dictionary<System.String, System.Object>"),
            nullptr);
}

TEST(DumpheapStat, ReadsThousandsSeparatorsAndFreeRows) {
  const HeapStats stats = parse_dumpheap_stat(test::fixture("sos/forms-unsettled.txt"));
  EXPECT_EQ(stats.total_objects, 94732u);
  EXPECT_EQ(stats.total_bytes, 5374232u);
  const TypeStat* str = find(stats, "System.String");
  ASSERT_NE(str, nullptr);
  EXPECT_EQ(str->count, 27839u);
  EXPECT_EQ(str->bytes, 1005082u);
  const TypeStat* free_space = find(stats, "Free");
  ASSERT_NE(free_space, nullptr);
  EXPECT_EQ(free_space->count, 664u);
}

TEST(DumpheapStat, RejectsOutputWithoutTheTable) {
  EXPECT_THROW(parse_dumpheap_stat("Loading core dump: x ...\nGC Allocated Heap Size: 0\n"),
               ParseError);
}

TEST(DumpheapStat, RejectsATruncatedTable) {
  std::string text = test::fixture("sos/forms-leak-workstation.txt");
  text = text.substr(0, text.find("Total 5,135"));
  EXPECT_THROW(parse_dumpheap_stat(text), ParseError);
}

TEST(DumpheapStat, RejectsRowsThatDoNotAddUpToTheTotal) {
  std::string text = test::fixture("sos/forms-leak-workstation.txt");
  const auto at = text.find("Total 5,135 objects");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 19, "Total 5,136 objects");
  try {
    parse_dumpheap_stat(text);
    FAIL() << "expected a ParseError";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("add up"), std::string::npos) << e.what();
    EXPECT_GT(e.line(), 100u);
  }
}

TEST(DumpheapStat, NamesTheLineOfAMalformedRow) {
  const std::string text =
      "Statistics:\n          MT Count TotalSize Class Name\n7f00 1 24 A\n7f01 x 24 B\n"
      "Total 2 objects, 48 bytes\n";
  try {
    parse_dumpheap_stat(text);
    FAIL() << "expected a ParseError";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), 4u);
  }
}

TEST(EeheapGc, ReadsWorkstationTotals) {
  const GcHeapSummary s = parse_eeheap_gc(test::fixture("sos/forms-leak-workstation.txt"));
  EXPECT_EQ(s.heap_count, 1);
  EXPECT_EQ(s.allocated_bytes, 369176u);
  EXPECT_EQ(s.committed_bytes, 1396736u);
}

TEST(EeheapGc, ReadsServerGcTotalsOverAllHeaps) {
  const GcHeapSummary s = parse_eeheap_gc(test::fixture("sos/forms-server-gc.txt"));
  EXPECT_EQ(s.heap_count, 2);
  EXPECT_EQ(s.allocated_bytes, 93808u);
  EXPECT_EQ(s.committed_bytes, 434176u);
}

TEST(EeheapGc, RejectsOutputWithoutTotals) {
  EXPECT_THROW(parse_eeheap_gc("Number of GC Heaps: 1\n"), ParseError);
  EXPECT_THROW(parse_eeheap_gc(""), ParseError);
}

}  // namespace
}  // namespace leakgate
