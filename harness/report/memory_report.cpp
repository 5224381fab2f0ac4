#include "report/memory_report.h"

#include <cstdio>
#include <string>

namespace leakgate {

using nlohmann::json;

namespace {

std::string table_line(std::string_view label, const MemoryRow& r, std::uint64_t page_kb) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "%-23s%7llu %9llu %9llu %10llu %9llu",
                std::string(label).c_str(), static_cast<unsigned long long>(r.kbytes / page_kb),
                static_cast<unsigned long long>(r.kbytes),
                static_cast<unsigned long long>(r.private_kb),
                static_cast<unsigned long long>(r.shareable_kb),
                static_cast<unsigned long long>(r.shared_kb));
  return buffer;
}

json row_to_json(const MemoryRow& r, std::uint64_t page_kb) {
  return {{"pages", r.kbytes / page_kb},
          {"kbytes", r.kbytes},
          {"privateKb", r.private_kb},
          {"shareableKb", r.shareable_kb},
          {"sharedKb", r.shared_kb}};
}

}  // namespace

void write_memory_table(std::ostream& out, const MemorySummary& s, bool modules) {
  char header[160];
  std::snprintf(header, sizeof header, "%-24s%17s %9s %10s %9s\n%-24s%7s %9s %9s %10s %9s\n",
                "Category", "Total      ", "Private", "Shareable", "Shared", "", "Pages", "KBytes",
                "KBytes", "KBytes", "KBytes");
  out << header;
  for (auto c : kMemoryCategories) {
    out << " " << table_line(category_label(c), s.row(c), s.page_kb) << "\n";
  }
  out << "\n"
      << " " << table_line("Total Modules", s.total_modules(), s.page_kb) << "\n"
      << " " << table_line("Total Dynamic Data", s.total_dynamic_data(), s.page_kb) << "\n"
      << " " << table_line("Total System", s.total_system(), s.page_kb) << "\n"
      << table_line("Grand Total Working Set", s.grand_total(), s.page_kb) << "\n";
  out << "\nThreads: " << s.threads << ", stacks found: " << s.stacks_found;
  if (s.idle_stack_kb > 0) {
    out << "; " << s.idle_stack_kb
        << " KB of zero-filled stack pages below the stack pointers left out (made resident by "
           "reading the process, not used by its threads)";
  }
  out << "\n";
  if (!modules) return;
  out << "\nCode/StaticData by module\n";
  for (const auto& m : s.modules) {
    out << " " << table_line("", m.row, s.page_kb).substr(23) << "  " << m.path << "\n";
  }
}

std::string describe_reconciliation(const Reconciliation& r) {
  const auto kb = [](std::uint64_t v) { return std::to_string(v) + " KB"; };
  if (!r.split) {
    return "Other Data " + kb(r.other_data_kb) + " = GC heap " + kb(r.gc_heap_resident_kb) +
           " + runtime code " + kb(r.runtime_code_kb) + " + unexplained " + kb(r.unexplained_kb);
  }
  return "Other Data " + kb(r.other_data_kb) + " = GC-owned " + kb(r.gc_owned_kb()) +
         " (segments " + kb(r.gc_heap_resident_kb) + ", free regions, bookkeeping and handles " +
         kb(r.gc_other_resident_kb) + ") + runtime " + kb(r.runtime_kb()) + " (code " +
         kb(r.runtime_code_kb) + ", loader heaps " + kb(r.runtime_data_kb) + ") + native " +
         kb(r.unexplained_kb);
}

void write_reconciliation(std::ostream& out, const Reconciliation& r) {
  out << describe_reconciliation(r) << " (eeheap -gc committed " << r.gc_heap_committed_kb
      << " KB)\n";
}

json memory_to_json(const MemorySummary& s, bool modules) {
  json categories = json::object();
  for (auto c : kMemoryCategories) {
    categories[std::string(category_label(c))] = row_to_json(s.row(c), s.page_kb);
  }
  json j = {{"pageSizeKb", s.page_kb},
            {"categories", categories},
            {"totals",
             {{"Total Modules", row_to_json(s.total_modules(), s.page_kb)},
              {"Total Dynamic Data", row_to_json(s.total_dynamic_data(), s.page_kb)},
              {"Total System", row_to_json(s.total_system(), s.page_kb)},
              {"Grand Total Working Set", row_to_json(s.grand_total(), s.page_kb)}}},
            {"threads", s.threads},
            {"stacksFound", s.stacks_found},
            {"idleStackKb", s.idle_stack_kb}};
  if (modules) {
    json list = json::array();
    for (const auto& m : s.modules) {
      json row = row_to_json(m.row, s.page_kb);
      row["module"] = m.path;
      list.push_back(row);
    }
    j["modules"] = list;
  }
  return j;
}

json reconciliation_to_json(const Reconciliation& r) {
  return {{"otherDataKb", r.other_data_kb},
          {"gcHeapResidentKb", r.gc_heap_resident_kb},
          {"gcHeapCommittedKb", r.gc_heap_committed_kb},
          {"gcOtherResidentKb", r.gc_other_resident_kb},
          {"gcOwnedKb", r.gc_owned_kb()},
          {"runtimeCodeKb", r.runtime_code_kb},
          {"runtimeDataKb", r.runtime_data_kb},
          {"unexplainedKb", r.unexplained_kb},
          {"split", r.split}};
}

}  // namespace leakgate
