#include "collect/memory_classifier.h"

#include <algorithm>
#include <set>
#include <string_view>

namespace leakgate {

namespace {

// glibc's non-main malloc arenas are heaps of HEAP_MAX_SIZE (64 MiB on 64-bit), aligned to it:
// a read-write part at the aligned start, the rest reserved (---p) up to start + 64 MiB.
constexpr std::uint64_t kArenaSize = 64ull << 20;

bool is_kernel_special(std::string_view path) {
  return path == "[vdso]" || path == "[vvar]" || path == "[vvar_vclock]" || path == "[vsyscall]" ||
         path == "[uprobes]";
}

bool is_anonymous(std::string_view path) {
  return path.empty() || path.starts_with("[anon") || path.starts_with("/memfd:") ||
         path.starts_with("/dev/zero") || path.starts_with("/SYSV");
}

std::string_view without_deleted(std::string_view path) {
  constexpr std::string_view kDeleted = " (deleted)";
  if (path.ends_with(kDeleted)) path.remove_suffix(kDeleted.size());
  return path;
}

bool looks_like_image(std::string_view path) {
  path = without_deleted(path);
  const auto slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return name.ends_with(".so") || name.find(".so.") != std::string_view::npos ||
         name.ends_with(".dll") || name.ends_with(".exe");
}

// vma i is the read-write head of a malloc arena when it starts on a 64 MiB boundary and the
// reserved (---p) mapping right after it ends exactly 64 MiB after its start. An arena grown to
// the full 64 MiB has no reserved tail and cannot be told from an aligned anonymous mapping: it
// counts as Other Data, which keeps a plain 64 MiB mmap out of Heap.
bool is_malloc_arena(const std::vector<Vma>& vmas, std::size_t i) {
  const Vma& v = vmas[i];
  if (!v.path.empty() || !v.writable() || v.start % kArenaSize != 0) return false;
  if (i + 1 >= vmas.size()) return false;
  const Vma& rest = vmas[i + 1];
  return rest.path.empty() && rest.perms == "---p" && rest.start == v.end &&
         rest.end == v.start + kArenaSize;
}

MemoryRow row_of(const Vma& v) {
  MemoryRow r;
  r.kbytes = v.rss_kb;
  r.shared_kb = v.shared_clean_kb + v.shared_dirty_kb;
  const std::uint64_t only_here = v.private_clean_kb + v.private_dirty_kb;
  // Shareable: pages only this process maps now, but that another could share: those of a
  // shared mapping, and clean file pages (page cache).
  if (v.shared_mapping()) {
    r.shareable_kb = only_here;
  } else if (!is_anonymous(v.path) && v.path.front() != '[') {
    r.shareable_kb = v.private_clean_kb;
  }
  r.private_kb = only_here - r.shareable_kb;
  // Rss is the sum of the four page kinds; should a kernel disagree, Rss wins and the rest is
  // counted as private so the columns still add up.
  const std::uint64_t columns = r.private_kb + r.shareable_kb + r.shared_kb;
  if (columns < r.kbytes) r.private_kb += r.kbytes - columns;
  if (columns > r.kbytes) r.kbytes = columns;
  return r;
}

bool holds_stack_pointer(const Vma& v, const std::vector<std::uint64_t>& sps) {
  return std::any_of(sps.begin(), sps.end(),
                     [&](std::uint64_t sp) { return sp >= v.start && sp < v.end; });
}

}  // namespace

MemorySummary classify_memory(const ProcessMemory& p) {
  MemorySummary s;
  s.page_kb = p.page_kb;
  s.threads = p.threads;
  for (auto c : kMemoryCategories) s.categories[c] = MemoryRow{};
  s.categories[MemoryCategory::kPageTables] = {p.page_table_kb, p.page_table_kb, 0, 0};

  // Files with an executable mapping are images; all their mappings count as Code/StaticData.
  std::set<std::string_view> images;
  for (const auto& v : p.vmas) {
    if (v.executable() && !is_anonymous(v.path) && !v.path.empty() && v.path.front() == '/') {
      images.insert(without_deleted(v.path));
    }
  }
  std::map<std::string, MemoryRow> modules;
  std::set<std::uint64_t> stacks;  // start addresses of stack mappings found

  for (std::size_t i = 0; i < p.vmas.size(); ++i) {
    const Vma& v = p.vmas[i];
    const MemoryRow r = row_of(v);
    MemoryCategory c = MemoryCategory::kOtherData;
    if (is_kernel_special(v.path)) {
      c = MemoryCategory::kOtherSystem;
    } else if (v.path == "[stack]" || holds_stack_pointer(v, p.stack_pointers)) {
      c = MemoryCategory::kStack;
      if (holds_stack_pointer(v, p.stack_pointers)) stacks.insert(v.start);
    } else if (v.path == "[heap]") {
      c = MemoryCategory::kHeap;
    } else if (is_malloc_arena(p.vmas, i)) {
      c = MemoryCategory::kHeap;
      s.arena_ranges.push_back({v.start, v.end, r});
    } else if (is_anonymous(v.path) || v.path.front() == '[') {
      c = MemoryCategory::kOtherData;
      const bool code = v.path.starts_with("/memfd:doublemapper");
      if (r.kbytes > 0) s.other_data_ranges.push_back({v.start, v.end, r.kbytes, code});
      if (code) s.runtime_code_kb += r.kbytes;
    } else if (images.contains(without_deleted(v.path)) || looks_like_image(v.path)) {
      c = MemoryCategory::kCode;
      modules[std::string(without_deleted(v.path))] += r;
    } else {
      c = MemoryCategory::kMappedData;
    }
    if (c == MemoryCategory::kStack) {
      const auto idle = p.idle_stack_kb.find(v.start);
      if (idle != p.idle_stack_kb.end()) {
        // Out of the private column (stacks are private), so the columns still add up.
        const std::uint64_t kb = std::min({idle->second, r.kbytes, r.private_kb});
        MemoryRow used = r;
        used.kbytes -= kb;
        used.private_kb -= kb;
        s.idle_stack_kb += kb;
        s.categories[c] += used;
        if (used.kbytes > 0) s.mappings.push_back({v.start, v.end, v.path, c, used.kbytes});
        continue;
      }
    }
    s.categories[c] += r;
    if (r.kbytes > 0) s.mappings.push_back({v.start, v.end, v.path, c, r.kbytes});
  }
  // Threads whose stack pointer was read: each pointer lies in exactly one stack mapping.
  s.stacks_found = 0;
  for (const auto sp : p.stack_pointers) {
    for (const auto& v : p.vmas) {
      if (sp >= v.start && sp < v.end && stacks.contains(v.start)) {
        ++s.stacks_found;
        break;
      }
    }
  }
  for (auto& [path, row] : modules) s.modules.push_back({path, row});
  std::stable_sort(
      s.modules.begin(), s.modules.end(),
      [](const ModuleMemory& a, const ModuleMemory& b) { return a.row.kbytes > b.row.kbytes; });
  return s;
}

namespace {

using Ranges = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

template <typename Range>
bool overlaps(const Ranges& ranges, const Range& range) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const auto& s) { return s.first < range.end && range.start < s.second; });
}

}  // namespace

void reclaim_gc_ranges(MemorySummary& summary, const GcHeapSummary& gc) {
  std::vector<ArenaRange> kept;
  for (const ArenaRange& a : summary.arena_ranges) {
    if (!overlaps(gc.segments, a) && !overlaps(gc.gc_owned, a)) {
      kept.push_back(a);
      continue;
    }
    MemoryRow& heap = summary.categories[MemoryCategory::kHeap];
    heap.kbytes -= std::min(heap.kbytes, a.row.kbytes);
    heap.private_kb -= std::min(heap.private_kb, a.row.private_kb);
    heap.shareable_kb -= std::min(heap.shareable_kb, a.row.shareable_kb);
    heap.shared_kb -= std::min(heap.shared_kb, a.row.shared_kb);
    summary.categories[MemoryCategory::kOtherData] += a.row;
    for (MappingKb& m : summary.mappings) {
      if (m.start == a.start) m.category = MemoryCategory::kOtherData;
    }
    if (a.row.kbytes > 0) summary.other_data_ranges.push_back({a.start, a.end, a.row.kbytes});
  }
  summary.arena_ranges = std::move(kept);
}

namespace {

enum class Owner { kGcHeap, kGcOther, kRuntimeCode, kRuntimeData, kNobody };

// The first owner whose ranges the Other Data mapping overlaps.
Owner owner_of(const ResidentRange& range, const GcHeapSummary& gc) {
  if (overlaps(gc.segments, range)) return Owner::kGcHeap;
  if (overlaps(gc.gc_owned, range)) return Owner::kGcOther;
  if (range.runtime_code) return Owner::kRuntimeCode;
  if (overlaps(gc.runtime_owned, range)) return Owner::kRuntimeData;
  return Owner::kNobody;
}

}  // namespace

Reconciliation reconcile(const MemorySummary& summary, const GcHeapSummary& gc) {
  Reconciliation r;
  r.other_data_kb = summary.row(MemoryCategory::kOtherData).kbytes;
  r.gc_heap_committed_kb = gc.committed_bytes / 1024;
  r.split = gc.owners_known;
  for (const auto& range : summary.other_data_ranges) {
    switch (owner_of(range, gc)) {
      case Owner::kGcHeap:
        r.gc_heap_resident_kb += range.kbytes;
        break;
      case Owner::kGcOther:
        r.gc_other_resident_kb += range.kbytes;
        break;
      case Owner::kRuntimeCode:
        r.runtime_code_kb += range.kbytes;
        break;
      case Owner::kRuntimeData:
        r.runtime_data_kb += range.kbytes;
        break;
      case Owner::kNobody:
        break;
    }
  }
  const std::uint64_t explained = r.gc_owned_kb() + r.runtime_kb();
  r.unexplained_kb = r.other_data_kb > explained ? r.other_data_kb - explained : 0;
  return r;
}

void attribute_runtime_memory(Checkpoint& checkpoint) {
  Checkpoint& cp = checkpoint;
  if (!cp.memory || !cp.gc_heap) return;
  reclaim_gc_ranges(*cp.memory, *cp.gc_heap);
  cp.reconciliation = reconcile(*cp.memory, *cp.gc_heap);
  if (!cp.reconciliation->split) return;
  // Each Other Data mapping under the category that judges it: the GC's stay Other Data.
  for (MappingKb& m : cp.memory->mappings) {
    if (m.category != MemoryCategory::kOtherData) continue;
    const ResidentRange range{m.start, m.end, m.kbytes, m.name.starts_with("/memfd:doublemapper")};
    switch (owner_of(range, *cp.gc_heap)) {
      case Owner::kRuntimeCode:
      case Owner::kRuntimeData:
        m.category = MemoryCategory::kRuntimeCode;
        break;
      case Owner::kNobody:
        m.category = MemoryCategory::kNativeData;
        break;
      default:
        break;
    }
  }
}

}  // namespace leakgate
