#include "report/checkpoint_reader.h"

#include <limits>

namespace leakgate {

using nlohmann::json;

namespace report_json {

std::string string_at(JsonObjectReader& r, const std::string& key) {
  return r.optional_string(key).value_or("");
}

double number(JsonObjectReader& r, const std::string& key) {
  return r
      .optional_number(key, std::numeric_limits<double>::lowest(),
                       std::numeric_limits<double>::max())
      .value_or(0.0);
}

std::uint64_t count(JsonObjectReader& r, const std::string& key) {
  return static_cast<std::uint64_t>(
      r.optional_integer(key, 0, std::numeric_limits<std::int64_t>::max()).value_or(0));
}

void each(JsonObjectReader& r, const std::string& key,
          const std::function<void(JsonObjectReader)>& read) {
  const json* items = r.optional_array(key);
  if (items == nullptr) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    read(JsonObjectReader((*items)[i], r.file(), r.pointer(key) + "/" + std::to_string(i)));
  }
}

}  // namespace report_json

namespace {

using report_json::count;
using report_json::each;
using report_json::string_at;

int small_count(JsonObjectReader& r, const std::string& key) {
  return static_cast<int>(r.optional_integer(key, 0, std::numeric_limits<int>::max()).value_or(0));
}

MemoryRow row_from(JsonObjectReader r) {
  return {count(r, "kbytes"), count(r, "privateKb"), count(r, "shareableKb"), count(r, "sharedKb")};
}

MemorySummary memory_from(JsonObjectReader r) {
  MemorySummary m;
  m.page_kb = count(r, "pageSizeKb");
  if (m.page_kb == 0) m.page_kb = 4;
  for (auto c : kMemoryCategories) m.categories[c] = MemoryRow{};
  if (auto categories = r.optional_object("categories")) {
    for (const auto& [name, row] : categories->value().items()) {
      MemoryCategory c;
      if (!category_from_name(name, c)) categories->fail(name, "not a memory category");
      m.categories[c] = row_from(*categories->optional_object(name));
    }
  }
  r.accept("totals");  // derived from the categories
  m.threads = small_count(r, "threads");
  m.stacks_found = small_count(r, "stacksFound");
  m.idle_stack_kb = count(r, "idleStackKb");
  each(r, "modules", [&](JsonObjectReader row) {
    std::string path = string_at(row, "module");
    m.modules.push_back({std::move(path), row_from(std::move(row))});
  });
  return m;
}

Reconciliation reconciliation_from(JsonObjectReader r) {
  Reconciliation rec;
  rec.other_data_kb = count(r, "otherDataKb");
  rec.gc_heap_resident_kb = count(r, "gcHeapResidentKb");
  rec.gc_heap_committed_kb = count(r, "gcHeapCommittedKb");
  rec.gc_other_resident_kb = count(r, "gcOtherResidentKb");
  rec.runtime_code_kb = count(r, "runtimeCodeKb");
  rec.runtime_data_kb = count(r, "runtimeDataKb");
  rec.unexplained_kb = count(r, "unexplainedKb");
  rec.split = r.optional_bool("split").value_or(false);
  return rec;
}

HeapStats heap_from(JsonObjectReader r) {
  HeapStats h;
  h.total_objects = count(r, "totalObjects");
  h.total_bytes = count(r, "totalBytes");
  each(r, "types", [&](JsonObjectReader t) {
    TypeStat stat;
    stat.type = string_at(t, "type");
    stat.count = count(t, "count");
    stat.bytes = count(t, "bytes");
    h.types.push_back(std::move(stat));
  });
  return h;
}

}  // namespace

Checkpoint checkpoint_from_json(JsonObjectReader r) {
  Checkpoint c;
  c.label = string_at(r, "label");
  c.iteration = small_count(r, "iteration");
  c.settle_reply = string_at(r, "settle");
  c.settle_rounds = small_count(r, "settleRounds");
  c.settled_by = string_at(r, "settledBy");
  if (auto gc = r.optional_object("gcHeap")) {
    GcHeapSummary g;
    g.heap_count = small_count(*gc, "heaps");
    g.allocated_bytes = count(*gc, "allocatedBytes");
    g.committed_bytes = count(*gc, "committedBytes");
    c.gc_heap = std::move(g);
  }
  if (auto heap = r.optional_object("heap")) c.heap = heap_from(std::move(*heap));
  if (auto memory = r.optional_object("memory")) c.memory = memory_from(std::move(*memory));
  if (auto rec = r.optional_object("reconciliation")) {
    c.reconciliation = reconciliation_from(std::move(*rec));
  }
  each(r, "raw", [&](JsonObjectReader a) {
    std::string label = string_at(a, "label");
    c.raw.push_back({std::move(label), string_at(a, "path")});
  });
  return c;
}

}  // namespace leakgate
