#include "model/type_totals.h"

namespace leakgate {

std::map<std::string, TypeTotal> type_totals(const Checkpoint& checkpoint) {
  std::map<std::string, TypeTotal> totals;
  if (!checkpoint.heap) return totals;
  for (const auto& row : checkpoint.heap->types) {
    auto& t = totals[row.type];
    t.count += row.count;
    t.bytes += row.bytes;
  }
  return totals;
}

}  // namespace leakgate
