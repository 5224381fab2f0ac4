#include "model/judged_memory.h"

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

}  // namespace leakgate
