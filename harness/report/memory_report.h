#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "model/memory_summary.h"

namespace leakgate {

// The vadump-style table: a row per category with Pages, KBytes, Private, Shareable, Shared, then
// Total Modules, Total Dynamic Data, Total System and Grand Total Working Set. With `modules`, the
// Code/StaticData rows per file follow.
void write_memory_table(std::ostream& out, const MemorySummary& summary, bool modules);

// The reconciliation of Other Data with the GC heap, as lines under the table.
// "Other Data N KB = GC-owned ... + runtime ... + native ..." (one line, no newline).
std::string describe_reconciliation(const Reconciliation& r);
void write_reconciliation(std::ostream& out, const Reconciliation& r);

nlohmann::json memory_to_json(const MemorySummary& summary, bool modules);
nlohmann::json reconciliation_to_json(const Reconciliation& r);

}  // namespace leakgate
