#include "model/judged_memory.h"

#include <algorithm>
#include <map>
#include <utility>

namespace leakgate {

std::vector<MemoryCategory> judged_categories(bool split) {
  std::vector<MemoryCategory> out;
  for (const MemoryCategory c : kMemoryCategories) {
    if (split && (c == MemoryCategory::kOtherData || c == MemoryCategory::kPageTables)) continue;
    out.push_back(c);
  }
  if (split) {
    out.push_back(MemoryCategory::kNativeData);
    out.push_back(MemoryCategory::kRuntimeCode);
  }
  return out;
}

std::string_view memory_owner(MemoryCategory category) {
  switch (category) {
    case MemoryCategory::kHeap:
    case MemoryCategory::kNativeData:
      return "native";
    case MemoryCategory::kRuntimeCode:
      return "runtime";
    default:
      return "";
  }
}

bool memory_split(const Checkpoint& checkpoint) {
  const Checkpoint& cp = checkpoint;
  return cp.memory && cp.reconciliation && cp.reconciliation->split;
}

std::uint64_t judged_kb(const Checkpoint& checkpoint, MemoryCategory category) {
  const Checkpoint& cp = checkpoint;
  if (!cp.memory) return 0;
  switch (category) {
    case MemoryCategory::kNativeData:
      return cp.reconciliation ? cp.reconciliation->unexplained_kb : 0;
    case MemoryCategory::kRuntimeCode:
      return cp.reconciliation ? cp.reconciliation->runtime_kb() : 0;
    default:
      return cp.memory->row(category).kbytes;
  }
}

std::uint64_t judged_total_kb(const Checkpoint& checkpoint) {
  std::uint64_t total = 0;
  for (auto category : judged_categories(memory_split(checkpoint))) {
    total += judged_kb(checkpoint, category);
  }
  return total;
}

std::vector<MappingGrowth> grown_mappings(const Checkpoint& from, const Checkpoint& to,
                                          MemoryCategory category, std::size_t limit) {
  std::vector<MappingGrowth> out;
  if (!from.memory || !to.memory) return out;
  std::map<std::pair<std::uint64_t, std::string>, std::uint64_t> before;
  for (const MappingKb& m : from.memory->mappings) {
    if (m.category == category) before[{m.start, m.name}] += m.kbytes;
  }
  for (const MappingKb& m : to.memory->mappings) {
    if (m.category != category) continue;
    const auto it = before.find({m.start, m.name});
    const std::uint64_t was = it == before.end() ? 0 : it->second;
    if (m.kbytes <= was) continue;
    const char* unnamed = category == MemoryCategory::kHeap ? "malloc arena" : "anonymous";
    out.push_back({m.name.empty() ? unnamed : m.name, m.start, m.end, was, m.kbytes});
  }
  std::stable_sort(out.begin(), out.end(), [](const MappingGrowth& a, const MappingGrowth& b) {
    return a.kb_after - a.kb_before > b.kb_after - b.kb_before;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace leakgate
