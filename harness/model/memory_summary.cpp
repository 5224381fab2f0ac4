#include "model/memory_summary.h"

#include "model/verdict_settings.h"

namespace leakgate {

namespace {

struct Names {
  MemoryCategory category;
  std::string_view label;
  std::string_view key;
};

constexpr std::array<Names, 9> kNames = {{
    {MemoryCategory::kPageTables, "Page Table Pages", "pageTables"},
    {MemoryCategory::kOtherSystem, "Other System", "otherSystem"},
    {MemoryCategory::kCode, "Code/StaticData", "code"},
    {MemoryCategory::kHeap, "Heap", "heap"},
    {MemoryCategory::kStack, "Stack", "stack"},
    {MemoryCategory::kMappedData, "Mapped Data", "mappedData"},
    {MemoryCategory::kOtherData, "Other Data", "otherData"},
    {MemoryCategory::kNativeData, "Native Data", "nativeData"},
    {MemoryCategory::kRuntimeCode, "Runtime Code", "runtimeCode"},
}};

const Names& names(MemoryCategory c) {
  for (const auto& n : kNames) {
    if (n.category == c) return n;
  }
  return kNames.back();
}

}  // namespace

std::string_view category_label(MemoryCategory c) { return names(c).label; }
std::string_view category_key(MemoryCategory c) { return names(c).key; }

bool category_from_name(std::string_view name, MemoryCategory& out) {
  for (const auto& n : kNames) {
    if (n.label == name || n.key == name) {
      out = n.category;
      return true;
    }
  }
  return false;
}

MemoryTolerance default_memory_tolerance(MemoryCategory c) {
  switch (c) {
    case MemoryCategory::kPageTables:
      return {8, 0.5, 1024};
    case MemoryCategory::kOtherSystem:
      return {4, 1.0, 64};
    case MemoryCategory::kCode:
      return {64, 0.1, 8192};
    case MemoryCategory::kHeap:
      return {32, 0.25, 4096};
    case MemoryCategory::kStack:
      return {16, 0.5, 1024};
    case MemoryCategory::kMappedData:
      return {64, 0.25, 8192};
    case MemoryCategory::kOtherData:
    case MemoryCategory::kNativeData:
      return {64, 0.25, 16384};
    case MemoryCategory::kRuntimeCode:
      return {64, 0.25, 8192};
  }
  return {};
}

MemoryRow& MemoryRow::operator+=(const MemoryRow& o) {
  kbytes += o.kbytes;
  private_kb += o.private_kb;
  shareable_kb += o.shareable_kb;
  shared_kb += o.shared_kb;
  return *this;
}

const MemoryRow& MemorySummary::row(MemoryCategory c) const {
  static const MemoryRow kEmpty;
  const auto it = categories.find(c);
  return it == categories.end() ? kEmpty : it->second;
}

MemoryRow MemorySummary::total_modules() const { return row(MemoryCategory::kCode); }

MemoryRow MemorySummary::total_dynamic_data() const {
  MemoryRow r = row(MemoryCategory::kHeap);
  r += row(MemoryCategory::kStack);
  r += row(MemoryCategory::kMappedData);
  r += row(MemoryCategory::kOtherData);
  return r;
}

MemoryRow MemorySummary::total_system() const {
  MemoryRow r = row(MemoryCategory::kPageTables);
  r += row(MemoryCategory::kOtherSystem);
  return r;
}

MemoryRow MemorySummary::grand_total() const {
  MemoryRow r = total_modules();
  r += total_dynamic_data();
  r += total_system();
  return r;
}

}  // namespace leakgate
