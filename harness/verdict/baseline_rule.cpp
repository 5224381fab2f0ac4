#include <set>

#include "model/type_totals.h"
#include "verdict/rules.h"

namespace leakgate {

namespace {

double per_iteration(double warmup, double actual, int iterations) {
  return (actual - warmup) / iterations;
}

}  // namespace

std::vector<Finding> baseline_rule(const Evidence& e, const std::vector<Finding>& earlier) {
  std::vector<Finding> findings;
  if (e.baseline == nullptr) return findings;
  std::set<std::string> reported;
  for (const auto& f : earlier) reported.insert(f.type);
  const auto before = type_totals(e.warmup);
  const auto& s = e.settings;

  for (const auto& [name, now] : type_totals(e.final)) {
    if (reported.count(name) != 0) continue;
    const auto b = e.baseline->types.find(name);
    const TypeBaseline base = b == e.baseline->types.end() ? TypeBaseline{} : b->second;
    const auto w = before.find(name);
    const TypeBaseline start = w == before.end() ? TypeBaseline{} : w->second;
    auto check = [&](const char* metric, double actual, double baseline, double warmup,
                     double absolute) {
      const double limit = baseline * (1.0 + s.relative_tolerance) + absolute;
      if (actual <= limit) return false;
      Finding f{name,
                metric,
                "baseline",
                baseline,
                warmup,
                actual,
                per_iteration(warmup, actual, e.iterations),
                limit};
      findings.push_back(std::move(f));
      return true;
    };
    // One finding per type: the instance count tells the story better than the bytes.
    if (!check("instances", static_cast<double>(now.count), static_cast<double>(base.count),
               static_cast<double>(start.count), s.absolute_count)) {
      check("bytes", static_cast<double>(now.bytes), static_cast<double>(base.bytes),
            static_cast<double>(start.bytes), s.absolute_bytes);
    }
  }

  if (e.baseline->gc_heap_allocated_bytes && e.final.gc_heap) {
    const double base = static_cast<double>(*e.baseline->gc_heap_allocated_bytes);
    const double actual = static_cast<double>(e.final.gc_heap->allocated_bytes);
    const double warmup =
        e.warmup.gc_heap ? static_cast<double>(e.warmup.gc_heap->allocated_bytes) : 0.0;
    const double limit = base * (1.0 + s.gc_heap_relative_tolerance) + s.gc_heap_absolute_bytes;
    if (actual > limit) {
      findings.push_back({"(GC heap)", "gcHeapAllocatedBytes", "baseline", base, warmup, actual,
                          per_iteration(warmup, actual, e.iterations), limit});
    }
  }
  return findings;
}

}  // namespace leakgate
