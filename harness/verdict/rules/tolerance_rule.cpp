#include <algorithm>

#include "baseline/calibration.h"
#include "verdict/rules/rule.h"

namespace leakgate {

std::optional<Limit> baseline_limit(const Candidate& c, const Evidence& e) {
  if (e.baseline == nullptr) return std::nullopt;
  const Baseline& b = *e.baseline;
  const VerdictSettings& s = e.settings;
  Limit l;
  double relative = 0, absolute = 0;
  const Spread* spread = nullptr;
  const ToleranceOverride* override_ = nullptr;
  double floor = 0;
  switch (c.kind) {
    case Candidate::Kind::kManagedType: {
      const auto it = b.types.find(c.key);
      l.baseline = it == b.types.end() ? 0.0 : static_cast<double>(it->second.count);
      l.actual = c.lasting();
      l.metric = Metric::kInstances;
      relative = s.relative_tolerance;
      absolute = s.absolute_count;
      floor = std::max(s.noise_floor_count, 10.0);
      if (b.calibration) {
        const auto sp = b.calibration->type_counts.find(c.key);
        if (sp != b.calibration->type_counts.end()) spread = &sp->second;
      }
      const auto o = b.type_tolerances.find(c.key);
      if (o != b.type_tolerances.end()) override_ = &o->second;
      break;
    }
    case Candidate::Kind::kGcHeap:
      if (!b.gc_heap_allocated_bytes) return std::nullopt;
      l.baseline = static_cast<double>(*b.gc_heap_allocated_bytes);
      l.actual = c.lasting();
      l.metric = Metric::kGcHeapAllocatedBytes;
      relative = s.gc_heap_relative_tolerance;
      absolute = s.gc_heap_absolute_bytes;
      break;
    case Candidate::Kind::kMemory: {
      const auto it = b.memory_kb.find(c.key);
      if (it == b.memory_kb.end()) return std::nullopt;
      l.baseline = static_cast<double>(it->second);
      l.actual = c.lasting();
      l.metric = Metric::kWorkingSetKb;
      MemoryCategory category;
      category_from_name(c.key, category);
      relative = s.memory_tolerance(category).relative;
      absolute = s.memory_tolerance(category).absolute_kb;
      floor = std::max(s.noise_floor_kb, 256.0);
      if (b.calibration) {
        const auto sp = b.calibration->memory_kb.find(c.key);
        if (sp != b.calibration->memory_kb.end()) spread = &sp->second;
      }
      const auto o = b.memory_tolerances.find(c.key);
      if (o != b.memory_tolerances.end()) override_ = &o->second;
      break;
    }
  }
  if (override_ != nullptr && (override_->relative || override_->absolute)) {
    l.limit = l.baseline * (1 + override_->relative.value_or(0)) + override_->absolute.value_or(0);
    l.source = "baseline override";
  } else if (spread != nullptr) {
    l.limit =
        std::max(spread->max, l.baseline) +
        calibrated_margin(*spread, floor,
                          c.kind == Candidate::Kind::kMemory ? Measure::kKb : Measure::kCount);
    l.source = "calibration";
  } else {
    l.limit = l.baseline * (1 + relative) + absolute;
    l.source = "scenario";
  }
  return l;
}

Decision tolerance_rule(const Candidate& c, const Evidence& e) {
  auto limit = baseline_limit(c, e);
  Decision d;
  if (c.kind == Candidate::Kind::kManagedType && limit && limit->actual <= limit->limit &&
      e.baseline != nullptr) {
    // Instances within tolerance: the bytes of the type may still be over (bigger objects).
    const auto it = e.baseline->types.find(c.key);
    const double base_bytes =
        it == e.baseline->types.end() ? 0.0 : static_cast<double>(it->second.bytes);
    const double bytes_limit =
        base_bytes * (1 + e.settings.relative_tolerance) + e.settings.absolute_bytes;
    if (c.lasting_bytes() > bytes_limit) {
      d.kind = Decision::Kind::kFinding;
      d.finding = finding_for(c);
      d.finding.rule = FindingRule::kBaseline;
      d.finding.metric = Metric::kBytes;
      d.finding.warmup = c.warmup_bytes;
      d.finding.actual = c.final_bytes;
      d.finding.baseline = base_bytes;
      d.finding.limit = bytes_limit;
      d.finding.tolerance_source = "scenario";
      d.finding.points.clear();
      return d;
    }
  }
  if (!limit || limit->actual <= limit->limit) return {};
  d.kind = Decision::Kind::kFinding;
  d.finding = finding_for(c);
  d.finding.rule = FindingRule::kBaseline;
  d.finding.baseline = limit->baseline;
  d.finding.limit = limit->limit;
  d.finding.tolerance_source = limit->source;
  return d;
}

}  // namespace leakgate
