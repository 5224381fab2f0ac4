#include "model/type_totals.h"

#include "model/type_key.h"

namespace leakgate {

std::map<std::string, TypeTotal> type_totals(const Checkpoint& checkpoint) {
  std::map<std::string, TypeTotal> totals;
  if (!checkpoint.heap) return totals;
  for (const auto& row : checkpoint.heap->types) {
    auto& t = totals[type_key(row.type)];
    t.count += row.count;
    t.bytes += row.bytes;
  }
  return totals;
}

std::map<std::string, std::set<std::string>> type_names(const Checkpoint& checkpoint) {
  std::map<std::string, std::set<std::string>> names;
  if (!checkpoint.heap) return names;
  for (const auto& row : checkpoint.heap->types) names[type_key(row.type)].insert(row.type);
  return names;
}

}  // namespace leakgate
