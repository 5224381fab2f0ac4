#include <set>

#include "verdict/rules.h"

namespace leakgate {

namespace {

double resident_kb(const Checkpoint& c, MemoryCategory category) {
  return c.memory ? static_cast<double>(c.memory->row(category).kbytes) : 0.0;
}

Finding memory_finding(MemoryCategory c, const char* rule, double warmup, double actual,
                       int iterations) {
  Finding f;
  f.type = std::string(category_label(c));
  f.metric = "workingSetKb";
  f.rule = rule;
  f.kind = "memory";
  f.warmup = warmup;
  f.actual = actual;
  f.growth_per_iteration = (actual - warmup) / iterations;
  return f;
}

}  // namespace

std::vector<Finding> memory_growth_rule(const Evidence& e) {
  std::vector<Finding> findings;
  if (!e.warmup.memory || !e.final.memory) return findings;
  for (auto c : kMemoryCategories) {
    const double warmup = resident_kb(e.warmup, c);
    const double actual = resident_kb(e.final, c);
    Finding f = memory_finding(c, "growth", warmup, actual, e.iterations);
    if (f.growth_per_iteration < e.settings.memory_tolerance(c).min_growth_kb_per_iteration) {
      continue;
    }
    if (e.baseline != nullptr) {
      const auto b = e.baseline->memory_kb.find(f.type);
      if (b != e.baseline->memory_kb.end()) f.baseline = static_cast<double>(b->second);
    }
    findings.push_back(std::move(f));
  }
  return findings;
}

std::vector<Finding> memory_baseline_rule(const Evidence& e, const std::vector<Finding>& earlier) {
  std::vector<Finding> findings;
  if (e.baseline == nullptr || !e.final.memory) return findings;
  std::set<std::string> reported;
  for (const auto& f : earlier) reported.insert(f.type);
  for (auto c : kMemoryCategories) {
    const std::string label(category_label(c));
    const auto b = e.baseline->memory_kb.find(label);
    if (b == e.baseline->memory_kb.end() || reported.count(label) != 0) continue;
    const MemoryTolerance t = e.settings.memory_tolerance(c);
    const double base = static_cast<double>(b->second);
    const double limit = base * (1.0 + t.relative) + t.absolute_kb;
    const double actual = resident_kb(e.final, c);
    if (actual <= limit) continue;
    Finding f = memory_finding(c, "baseline", resident_kb(e.warmup, c), actual, e.iterations);
    f.baseline = base;
    f.limit = limit;
    findings.push_back(std::move(f));
  }
  return findings;
}

}  // namespace leakgate
