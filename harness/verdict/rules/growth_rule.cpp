#include <cstddef>
#include <string>

#include "verdict/growth_fit.h"
#include "verdict/rules/rule.h"

namespace leakgate {

double growth_threshold(const Candidate& c, const Evidence& e) {
  if (e.baseline != nullptr) {
    const auto& overrides = c.kind == Candidate::Kind::kMemory ? e.baseline->memory_tolerances
                                                               : e.baseline->type_tolerances;
    const auto it = overrides.find(c.key);
    if (it != overrides.end() && it->second.min_growth_per_iteration) {
      return *it->second.min_growth_per_iteration;
    }
  }
  if (c.kind == Candidate::Kind::kMemory) {
    MemoryCategory category;
    category_from_name(c.key, category);
    return e.settings.memory_tolerance(category).min_growth_kb_per_iteration;
  }
  return e.settings.min_growth_per_iteration;
}

Finding finding_for(const Candidate& c) {
  Finding f;
  f.type = c.key;
  f.metric = c.metric();
  f.kind = c.kind == Candidate::Kind::kMemory ? FindingKind::kMemory : FindingKind::kManaged;
  f.names = c.names;
  f.owner = c.owner;
  f.points = c.points;
  f.warmup = c.warmup();
  f.actual = c.actual();
  f.growth_per_iteration = fit_growth(c.points).slope;
  return f;
}

namespace {

std::string count_text(double v) { return std::to_string(static_cast<long long>(v)); }

// "Heap 4868 -> 4976 -> 5076 -> 5736 KB"
std::string series_text(const Candidate& c) {
  std::string text = c.key + " ";
  for (std::size_t i = 0; i < c.points.size(); ++i) {
    text += (i ? " -> " : "") + count_text(c.points[i].second);
  }
  return text + (c.kind == Candidate::Kind::kMemory ? " KB" : " instances");
}

}  // namespace

Decision growth_rule(const Candidate& c, const Evidence& e) {
  if (c.kind == Candidate::Kind::kGcHeap) return {};  // the types tell which objects grow
  const double threshold = growth_threshold(c, e);
  const bool counts = c.kind == Candidate::Kind::kManagedType;
  const GrowthShape shape = growth_shape(fit_growth(c.points), threshold, counts);
  if (shape == GrowthShape::kOneStep) {
    Decision undecided;
    undecided.one_step = series_text(c);
    return undecided;
  }
  if (shape != GrowthShape::kSustained) return {};
  if (!c.net_points.empty() &&
      !sustained(fit_growth(c.net_points, c.thread_steps), threshold, counts)) {
    Decision pass;
    pass.kind = Decision::Kind::kPass;
    pass.reason = "grew with the managed threads";
    pass.note = c.key + " grew " + count_text(c.warmup()) + " -> " + count_text(c.actual()) +
                " instances, " + count_text(c.actual() - c.net_points.back().second) +
                " of them brought by the managed threads added (" + count_text(c.threads.first) +
                " -> " + count_text(c.threads.second) +
                " threads): a thread's own objects (thread-static storage, thread-pool queues; up "
                "to " +
                std::to_string(kMaxPerThread) +
                " per thread), judged net of them. A thread leak is judged on " + kThreadType +
                " itself";
    return pass;
  }
  Decision d;
  d.kind = Decision::Kind::kFinding;
  d.finding = finding_for(c);
  d.finding.rule = FindingRule::kGrowth;
  if (const auto limit = baseline_limit(c, e)) d.finding.baseline = limit->baseline;
  return d;
}

}  // namespace leakgate
