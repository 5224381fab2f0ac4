#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <sstream>

#include "collect/memory_classifier.h"
#include "collect/proc_parsers.h"
#include "common/errors.h"
#include "model/judged_memory.h"
#include "unit/test_support.h"

namespace leakgate {
namespace {

// A process as captured by tests/fixtures/capture-proc.sh.
ProcessMemory captured(const std::string& name) {
  ProcessMemory p;
  p.vmas = parse_smaps(test::fixture("proc/" + name + ".smaps"));
  p.page_table_kb = *parse_status_kb(test::fixture("proc/" + name + ".status"), "VmPTE");
  std::istringstream syscalls(test::fixture("proc/" + name + ".syscalls"));
  std::string line;
  while (std::getline(syscalls, line)) {
    ++p.threads;
    const auto space = line.find(' ');
    if (auto sp = parse_syscall_stack_pointer(line.substr(space + 1)))
      p.stack_pointers.push_back(*sp);
  }
  return p;
}

std::uint64_t rollup_rss(const std::string& name) {
  return *parse_status_kb(test::fixture("proc/" + name + ".rollup"), "Rss");
}

void expect_columns_add_up(const MemorySummary& s) {
  for (auto c : kMemoryCategories) {
    const MemoryRow& r = s.row(c);
    EXPECT_EQ(r.private_kb + r.shareable_kb + r.shared_kb, r.kbytes) << category_label(c);
  }
}

TEST(Smaps, EveryMappingAndItsFieldsAreRead) {
  const std::string text = test::fixture("proc/dotnet-forms.smaps");
  const auto vmas = parse_smaps(text);
  std::size_t headers = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    headers += line.find("VmFlags:") == 0 ? 1 : 0;  // one per mapping
  }
  EXPECT_EQ(vmas.size(), headers);
  std::uint64_t rss = 0;
  for (const auto& v : vmas) {
    rss += v.rss_kb;
    EXPECT_EQ(v.rss_kb,
              v.shared_clean_kb + v.shared_dirty_kb + v.private_clean_kb + v.private_dirty_kb);
  }
  EXPECT_EQ(rss, rollup_rss("dotnet-forms"));
  const auto heap =
      std::find_if(vmas.begin(), vmas.end(), [](const Vma& v) { return v.path == "[heap]"; });
  ASSERT_NE(heap, vmas.end());
  EXPECT_EQ(heap->perms, "rw-p");
  EXPECT_TRUE(std::any_of(vmas.begin(), vmas.end(), [](const Vma& v) {
    return v.path == "/memfd:doublemapper (deleted)";  // a path with a space
  }));
}

TEST(Smaps, MalformedInputNamesTheLine) {
  try {
    parse_smaps("00400000-00452000 r-xp 00000000 08:02 173521 /bin/x\nSize: lots kB\n");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), 2u);
  }
  EXPECT_THROW(parse_smaps("Rss: 4 kB\n"), ParseError);
  EXPECT_THROW(parse_smaps("00400000-00300000 r-xp 00000000 08:02 1 /bin/x\n"), ParseError);
  EXPECT_TRUE(parse_smaps("").empty());
}

TEST(Smaps, AMappingListedOverAnotherIsLeftOutOnlyWhenAsked) {
  const std::string text =
      "00400000-00500000 rw-p 00000000 00:00 0\nRss: 1024 kB\n"
      "00480000-00600000 rw-p 00000000 00:00 0\nRss: 1536 kB\n"
      "00600000-00700000 rw-p 00000000 00:00 0\nRss: 4 kB\n";
  EXPECT_THROW(parse_smaps(text), ParseError);
  std::size_t dropped = 0;
  const auto vmas = parse_smaps(text, true, &dropped);
  EXPECT_EQ(dropped, 1u);
  ASSERT_EQ(vmas.size(), 2u);
  EXPECT_EQ(vmas[0].rss_kb, 1024u);
  EXPECT_EQ(vmas[1].start, 0x600000u);
  EXPECT_EQ(vmas[1].rss_kb, 4u);
}

TEST(ProcParsers, StatusFieldsAndStackPointers) {
  EXPECT_EQ(parse_status_kb("Name:\tx\nVmPTE:\t     244 kB\n", "VmPTE"), 244u);
  EXPECT_FALSE(parse_status_kb("Name:\tx\n", "VmPTE"));
  EXPECT_EQ(parse_syscall_stack_pointer("0 0x29 0x7f 0x1000 0x13 0x0 0x7ffc 0x7ffc6b176b10 0x7f82"),
            0x7ffc6b176b10u);
  EXPECT_EQ(parse_syscall_stack_pointer("-1 0x7ffc00001000 0x401000"), 0x7ffc00001000u);
  EXPECT_FALSE(parse_syscall_stack_pointer("running"));
  EXPECT_FALSE(parse_syscall_stack_pointer(""));
}

TEST(MemoryClassifier, DotnetProcessAddsUpToRssPlusPageTables) {
  const ProcessMemory p = captured("dotnet-forms");
  const MemorySummary s = classify_memory(p);
  EXPECT_EQ(s.grand_total().kbytes, rollup_rss("dotnet-forms") + p.page_table_kb);
  expect_columns_add_up(s);
  EXPECT_EQ(s.row(MemoryCategory::kPageTables).kbytes, p.page_table_kb);
  // Every thread was blocked when captured: every stack was found from its stack pointer.
  EXPECT_GT(s.threads, 1);
  EXPECT_EQ(s.stacks_found, s.threads);
  EXPECT_GT(s.row(MemoryCategory::kStack).kbytes, 0u);
  EXPECT_GT(s.row(MemoryCategory::kHeap).kbytes, 0u);
  EXPECT_GT(s.row(MemoryCategory::kOtherData).kbytes, 0u);
  EXPECT_GT(s.row(MemoryCategory::kOtherSystem).kbytes, 0u);
  EXPECT_GT(s.runtime_code_kb, 0u);  // the runtime's W^X double-mapped code heaps
  auto module = [&](const std::string& suffix) {
    return std::any_of(s.modules.begin(), s.modules.end(), [&](const ModuleMemory& m) {
      return m.path.size() >= suffix.size() &&
             m.path.compare(m.path.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
  };
  EXPECT_TRUE(module("/libcoreclr.so"));
  EXPECT_TRUE(module("/System.Private.CoreLib.dll"));  // managed assemblies are code too
  EXPECT_TRUE(module("/FormsApp.dll"));
  EXPECT_TRUE(module("/libc.so.6"));
  std::uint64_t module_total = 0;
  for (const auto& m : s.modules) module_total += m.row.kbytes;
  EXPECT_EQ(module_total, s.row(MemoryCategory::kCode).kbytes);
}

TEST(MemoryClassifier, NativeProcessKeepsItsLeakInTheHeap) {
  const ProcessMemory p = captured("native");
  const MemorySummary s = classify_memory(p);
  EXPECT_EQ(s.grand_total().kbytes, rollup_rss("native") + p.page_table_kb);
  expect_columns_add_up(s);
  EXPECT_EQ(s.threads, 1);
  EXPECT_EQ(s.stacks_found, 1);
  // Five 96 KiB documents kept by the leak variant, all touched.
  EXPECT_GE(s.row(MemoryCategory::kHeap).kbytes, 5u * 96u);
  EXPECT_EQ(s.runtime_code_kb, 0u);
}

Vma anon(std::uint64_t start, std::uint64_t end, const std::string& perms, std::uint64_t rss) {
  Vma v;
  v.start = start;
  v.end = end;
  v.perms = perms;
  v.rss_kb = rss;
  v.private_dirty_kb = rss;
  return v;
}

TEST(MemoryClassifier, MallocArenasAreHeapButOtherAnonymousMemoryIsNot) {
  constexpr std::uint64_t kArena = 64ull << 20;
  ProcessMemory p;
  p.vmas = {anon(3 * kArena, 3 * kArena + (1 << 20), "rw-p", 512),  // arena head
            anon(3 * kArena + (1 << 20), 4 * kArena, "---p", 0),    // its reserved rest
            anon(5 * kArena + 4096, 5 * kArena + 8192, "rw-p", 4),  // not aligned
            anon(6 * kArena, 6 * kArena + (1 << 20), "rw-p", 256),  // aligned, no reservation
            anon(7 * kArena, 8 * kArena, "rw-p", 65536)};           // an aligned 64 MiB mmap
  const MemorySummary s = classify_memory(p);
  EXPECT_EQ(s.row(MemoryCategory::kHeap).kbytes, 512u);
  EXPECT_EQ(s.row(MemoryCategory::kOtherData).kbytes, 260u + 65536u);
}

TEST(MemoryClassifier, FileMappingsAreCodeOrMappedDataAndShareableWhenClean) {
  ProcessMemory p;
  Vma lib_text = anon(0x1000, 0x3000, "r-xp", 8);
  lib_text.path = "/usr/lib/libx.so.1";
  lib_text.private_dirty_kb = 0;
  lib_text.shared_clean_kb = 8;
  Vma lib_data = anon(0x3000, 0x4000, "r--p", 4);
  lib_data.path = "/usr/lib/libx.so.1";
  lib_data.private_dirty_kb = 0;
  lib_data.private_clean_kb = 4;
  Vma data = anon(0x10000, 0x20000, "r--p", 16);
  data.path = "/var/data/table.bin";
  data.private_dirty_kb = 0;
  data.private_clean_kb = 16;
  Vma shm = anon(0x30000, 0x40000, "rw-s", 12);
  shm.path = "/dev/shm/ring";
  p.vmas = {lib_text, lib_data, data, shm};
  const MemorySummary s = classify_memory(p);
  const MemoryRow& code = s.row(MemoryCategory::kCode);
  EXPECT_EQ(code.kbytes, 12u);
  EXPECT_EQ(code.shared_kb, 8u);
  EXPECT_EQ(code.shareable_kb, 4u);
  const MemoryRow& mapped = s.row(MemoryCategory::kMappedData);
  EXPECT_EQ(mapped.kbytes, 28u);
  EXPECT_EQ(mapped.shareable_kb, 28u);  // clean file pages, and a shared mapping's pages
  EXPECT_EQ(mapped.private_kb, 0u);
}

TEST(MemoryClassifier, ReconcilesOtherDataWithTheGcHeap) {
  MemorySummary s;
  s.categories[MemoryCategory::kOtherData] = {1000, 1000, 0, 0};
  s.other_data_ranges = {
      {0x10000, 0x20000, 600}, {0x40000, 0x50000, 100}, {0x60000, 0x70000, 250, true}};
  GcHeapSummary gc;
  gc.segments = {{0x11000, 0x12000}};
  gc.committed_bytes = std::uint64_t{512} * 1024;
  const Reconciliation r = reconcile(s, gc);
  EXPECT_EQ(r.other_data_kb, 1000u);
  EXPECT_EQ(r.gc_heap_resident_kb, 600u);
  EXPECT_EQ(r.gc_heap_committed_kb, 512u);
  EXPECT_EQ(r.runtime_code_kb, 250u);
  EXPECT_EQ(r.unexplained_kb, 150u);
  EXPECT_FALSE(r.split);  // eeheap -gc alone: the GC's free regions are not known
}

TEST(MemoryClassifier, SplitsOtherDataByOwnerEachMappingOnce) {
  MemorySummary s;
  s.categories[MemoryCategory::kOtherData] = {2000, 2000, 0, 0};
  s.other_data_ranges = {{0x10000, 0x20000, 600},        // a segment and a free region: GC heap
                         {0x20000, 0x30000, 300},        // a free region only
                         {0x30000, 0x40000, 200},        // bookkeeping
                         {0x50000, 0x60000, 250, true},  // double-mapped code
                         {0x60000, 0x70000, 150},        // a loader heap
                         {0x70000, 0x80000, 500}};       // nobody's: native
  GcHeapSummary gc;
  gc.segments = {{0x11000, 0x12000}};
  gc.gc_owned = {{0x18000, 0x28000}, {0x30000, 0x31000}};
  gc.runtime_owned = {{0x50000, 0x51000}, {0x6f000, 0x70000}};
  gc.owners_known = true;
  const Reconciliation r = reconcile(s, gc);
  EXPECT_TRUE(r.split);
  EXPECT_EQ(r.gc_heap_resident_kb, 600u);
  EXPECT_EQ(r.gc_other_resident_kb, 500u);
  EXPECT_EQ(r.gc_owned_kb(), 1100u);
  EXPECT_EQ(r.runtime_code_kb, 250u);  // counted once, as code
  EXPECT_EQ(r.runtime_data_kb, 150u);
  EXPECT_EQ(r.unexplained_kb, 2000u - 1100u - 400u);
}

TEST(MemoryClassifier, AGcRegionShapedLikeAnArenaGoesBackToOtherData) {
  MemorySummary s;
  s.categories[MemoryCategory::kHeap] = {4000, 4000, 0, 0};
  s.categories[MemoryCategory::kOtherData] = {100, 100, 0, 0};
  s.arena_ranges = {{0x4000000, 0x5000000, {3000, 3000, 0, 0}},  // holds a GC free region
                    {0x8000000, 0x8100000, {500, 500, 0, 0}}};   // a real arena
  GcHeapSummary gc;
  gc.gc_owned = {{0x4000000, 0x6000000}};
  reclaim_gc_ranges(s, gc);
  EXPECT_EQ(s.row(MemoryCategory::kHeap).kbytes, 1000u);
  EXPECT_EQ(s.row(MemoryCategory::kOtherData).kbytes, 3100u);
  ASSERT_EQ(s.other_data_ranges.size(), 1u);
  EXPECT_EQ(s.other_data_ranges[0].start, 0x4000000u);
  ASSERT_EQ(s.arena_ranges.size(), 1u);
  EXPECT_EQ(s.arena_ranges[0].start, 0x8000000u);
  EXPECT_EQ(reconcile(s, gc).gc_other_resident_kb, 3000u);
}

TEST(JudgedMemory, SaysWhichMappingsOfACategoryGrewMostFirst) {
  Checkpoint from, to;
  from.memory.emplace();
  to.memory.emplace();
  from.memory->mappings = {{0x1000, 0x2000, "[heap]", MemoryCategory::kHeap, 100},
                           {0x5000, 0x6000, "", MemoryCategory::kHeap, 50},
                           {0x9000, 0xa000, "", MemoryCategory::kNativeData, 10}};
  to.memory->mappings = {{0x1000, 0x3000, "[heap]", MemoryCategory::kHeap, 400},  // +300
                         {0x5000, 0x6000, "", MemoryCategory::kHeap, 40},         // fell
                         {0x7000, 0x8000, "", MemoryCategory::kHeap, 500},        // new: +500
                         {0x9000, 0xa000, "", MemoryCategory::kNativeData, 900}};
  const auto grown = grown_mappings(from, to, MemoryCategory::kHeap, 5);
  ASSERT_EQ(grown.size(), 2u);
  EXPECT_EQ(grown[0].mapping, "malloc arena");
  EXPECT_EQ(grown[0].start, 0x7000u);
  EXPECT_EQ(grown[0].kb_before, 0u);
  EXPECT_EQ(grown[0].kb_after, 500u);
  EXPECT_EQ(grown[1].mapping, "[heap]");
  EXPECT_EQ(grown[1].kb_before, 100u);
  EXPECT_EQ(grown_mappings(from, to, MemoryCategory::kHeap, 1).size(), 1u);
  const auto native = grown_mappings(from, to, MemoryCategory::kNativeData, 5);
  ASSERT_EQ(native.size(), 1u);
  EXPECT_EQ(native[0].mapping, "anonymous");
}

TEST(JudgedMemory, OnceSplitOtherDataMappingsAreCountedByTheirOwner) {
  MemorySummary s;
  s.categories[MemoryCategory::kOtherData] = {300, 300, 0, 0};
  s.other_data_ranges = {
      {0x10000, 0x20000, 100}, {0x20000, 0x30000, 100, true}, {0x30000, 0x40000, 100}};
  s.mappings = {
      {0x10000, 0x20000, "", MemoryCategory::kOtherData, 100},
      {0x20000, 0x30000, "/memfd:doublemapper (deleted)", MemoryCategory::kOtherData, 100},
      {0x30000, 0x40000, "", MemoryCategory::kOtherData, 100}};
  Checkpoint cp;
  cp.memory = s;
  cp.gc_heap.emplace();
  cp.gc_heap->segments = {{0x10000, 0x11000}};
  cp.gc_heap->owners_known = true;
  attribute_runtime_memory(cp);
  ASSERT_TRUE(memory_split(cp));
  EXPECT_EQ(cp.memory->mappings[0].category, MemoryCategory::kOtherData);  // the GC's
  EXPECT_EQ(cp.memory->mappings[1].category, MemoryCategory::kRuntimeCode);
  EXPECT_EQ(cp.memory->mappings[2].category, MemoryCategory::kNativeData);
  EXPECT_EQ(judged_kb(cp, MemoryCategory::kNativeData), 100u);
  EXPECT_EQ(judged_kb(cp, MemoryCategory::kRuntimeCode), 100u);
  const auto judged = judged_categories(true);
  EXPECT_EQ(std::count(judged.begin(), judged.end(), MemoryCategory::kOtherData), 0);
  EXPECT_EQ(std::count(judged.begin(), judged.end(), MemoryCategory::kPageTables), 0);
  EXPECT_EQ(judged_categories(false).size(), kMemoryCategories.size());
}

}  // namespace
}  // namespace leakgate
