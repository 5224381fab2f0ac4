#include "model/type_totals.h"
#include "verdict/rules.h"

namespace leakgate {

std::vector<Finding> growth_rule(const Evidence& e) {
  std::vector<Finding> findings;
  const auto before = type_totals(e.warmup);
  const auto after = type_totals(e.final);
  for (const auto& [name, now] : after) {
    const auto it = before.find(name);
    const double start = it == before.end() ? 0.0 : static_cast<double>(it->second.count);
    const double growth = (static_cast<double>(now.count) - start) / e.iterations;
    if (growth < e.settings.min_growth_per_iteration) continue;
    Finding f;
    f.type = name;
    f.metric = "instances";
    f.rule = "growth";
    f.warmup = start;
    f.actual = static_cast<double>(now.count);
    f.growth_per_iteration = growth;
    if (e.baseline != nullptr) {
      const auto b = e.baseline->types.find(name);
      if (b != e.baseline->types.end()) f.baseline = static_cast<double>(b->second.count);
    }
    findings.push_back(std::move(f));
  }
  return findings;
}

}  // namespace leakgate
