#include "baseline/baseline_recorder.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "baseline/calibration.h"
#include "model/judged_memory.h"
#include "model/type_totals.h"

namespace leakgate {

namespace {

bool within(double value, double reference, double relative, double absolute) {
  return std::fabs(value - reference) <= reference * relative + absolute;
}

bool within_tolerance(const TypeBaseline& now, const TypeBaseline& before,
                      const VerdictSettings& t) {
  return within(static_cast<double>(now.count), static_cast<double>(before.count),
                t.relative_tolerance, t.absolute_count) &&
         within(static_cast<double>(now.bytes), static_cast<double>(before.bytes),
                t.relative_tolerance, t.absolute_bytes);
}

// Whether a value measured now may stay recorded as `old`: judged by the limit the verdict will
// apply to it (baseline_limit: an override, else the calibrated spread, else the scenario's
// tolerance), so an update never reports "unchanged" for a value the next run fails on.
bool keeps(double value, double old, const ToleranceOverride* override_, const Spread* spread,
           double floor, Measure measure, double relative, double absolute) {
  if (override_ != nullptr && (override_->relative || override_->absolute)) {
    return within(value, old, override_->relative.value_or(0), override_->absolute.value_or(0));
  }
  if (spread != nullptr) {
    const double margin = calibrated_margin(*spread, floor, measure);
    return value <= std::max(spread->max, old) + margin &&
           value >= std::min(spread->min, old) - margin;
  }
  return within(value, old, relative, absolute);
}

template <typename Map>
const typename Map::mapped_type* find_in(const Map& map, const std::string& key) {
  const auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

std::string render_type(const TypeBaseline& t) {
  return std::to_string(t.count) + " instances, " + std::to_string(t.bytes) + " bytes";
}

}  // namespace

Baseline record_baseline(const std::string& scenario, int iterations, const Checkpoint& final,
                         const std::map<std::string, std::string>& recorded_with,
                         const VerdictSettings& t, const Baseline* previous) {
  Baseline b;
  b.scenario = scenario;
  b.iterations = iterations;
  b.recorded_with = recorded_with;
  if (previous != nullptr) {  // what people or calibrate decided is kept
    b.accepted_growth = previous->accepted_growth;
    b.type_tolerances = previous->type_tolerances;
    b.memory_tolerances = previous->memory_tolerances;
    b.calibration = previous->calibration;
  }

  const auto now = type_totals(final);
  for (const auto& [name, value] : now) {
    const TypeBaseline* old = nullptr;
    if (previous != nullptr) {
      const auto it = previous->types.find(name);
      if (it != previous->types.end()) old = &it->second;
    }
    const Spread* spread = b.calibration ? find_in(b.calibration->type_counts, name) : nullptr;
    const bool count_kept =
        old != nullptr &&
        keeps(static_cast<double>(value.count), static_cast<double>(old->count),
              find_in(b.type_tolerances, name), spread, std::max(t.noise_floor_count, 10.0),
              Measure::kCount, t.relative_tolerance, t.absolute_count);
    if (old != nullptr && spread != nullptr && !count_kept) {
      b.calibration->type_counts.erase(name);  // measured around a value that is gone
    }
    if (old != nullptr && count_kept &&
        within(static_cast<double>(value.bytes), static_cast<double>(old->bytes),
               t.relative_tolerance, t.absolute_bytes)) {
      b.types[name] = *old;
    } else if (old != nullptr || value.count >= kRecordMinCount || value.bytes >= kRecordMinBytes) {
      b.types[name] = value;
    }
  }
  if (previous != nullptr) {  // gone now, but within tolerance of zero: keep, to avoid flicker
    for (const auto& [name, old] : previous->types) {
      if (!now.contains(name) && within_tolerance(TypeBaseline{}, old, t)) b.types[name] = old;
    }
  }

  if (final.memory) {
    for (auto c : judged_categories(memory_split(final))) {
      const std::string label(category_label(c));
      const auto kb = judged_kb(final, c);
      const MemoryTolerance tolerance = t.memory_tolerance(c);
      const Spread* spread = b.calibration ? find_in(b.calibration->memory_kb, label) : nullptr;
      const bool known = previous != nullptr && previous->memory_kb.contains(label);
      const bool keep =
          known &&
          keeps(static_cast<double>(kb), static_cast<double>(previous->memory_kb.at(label)),
                find_in(b.memory_tolerances, label), spread, std::max(t.noise_floor_kb, 256.0),
                Measure::kKb, tolerance.relative, tolerance.absolute_kb);
      if (known && spread != nullptr && !keep) b.calibration->memory_kb.erase(label);
      b.memory_kb[label] = keep ? previous->memory_kb.at(label) : kb;
    }
  }
  if (final.gc_heap) {
    const auto allocated = final.gc_heap->allocated_bytes;
    const bool keep = previous != nullptr && previous->gc_heap_allocated_bytes &&
                      within(static_cast<double>(allocated),
                             static_cast<double>(*previous->gc_heap_allocated_bytes),
                             t.gc_heap_relative_tolerance, t.gc_heap_absolute_bytes);
    b.gc_heap_allocated_bytes = keep ? *previous->gc_heap_allocated_bytes : allocated;
  }
  return b;
}

std::vector<BaselineChange> diff_baselines(const Baseline* before, const Baseline& after) {
  using Kind = BaselineChange::Kind;
  std::vector<BaselineChange> changes;
  const Baseline empty;
  const Baseline& old = before != nullptr ? *before : empty;
  auto compare = [&](const std::string& key, const std::optional<std::string>& a,
                     const std::optional<std::string>& b) {
    if (a == b) return;
    const Kind kind = !a ? Kind::kAdded : !b ? Kind::kRemoved : Kind::kChanged;
    changes.push_back({kind, key, a.value_or(""), b.value_or("")});
  };
  auto maybe = [](const auto& map, const std::string& key,
                  auto render_fn) -> std::optional<std::string> {
    const auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return render_fn(it->second);
  };
  auto same = [](const std::string& s) { return s; };
  std::set<std::string> keys;
  for (const auto& [k, v] : old.recorded_with) keys.insert(k);
  for (const auto& [k, v] : after.recorded_with) keys.insert(k);
  for (const auto& k : keys) {
    compare("recordedWith." + k, maybe(old.recorded_with, k, same),
            maybe(after.recorded_with, k, same));
  }
  auto gc = [](const Baseline& b) -> std::optional<std::string> {
    if (!b.gc_heap_allocated_bytes) return std::nullopt;
    return std::to_string(*b.gc_heap_allocated_bytes) + " bytes";
  };
  compare("gcHeap.allocatedBytes", gc(old), gc(after));
  keys.clear();
  for (const auto& [k, v] : old.memory_kb) keys.insert(k);
  for (const auto& [k, v] : after.memory_kb) keys.insert(k);
  auto kb = [](std::uint64_t v) { return std::to_string(v) + " KB"; };
  for (const auto& k : keys) {
    compare("memoryKb." + k, maybe(old.memory_kb, k, kb), maybe(after.memory_kb, k, kb));
  }
  if (old.iterations != after.iterations && before != nullptr) {
    compare("iterations", std::to_string(old.iterations), std::to_string(after.iterations));
  }
  compare("acceptedGrowth", old.accepted_growth, after.accepted_growth);
  auto calibration = [](const Baseline& b) -> std::optional<std::string> {
    if (!b.calibration) return std::nullopt;
    return std::to_string(b.calibration->runs) + " runs, " +
           std::to_string(b.calibration->type_counts.size()) + " types, " +
           std::to_string(b.calibration->memory_kb.size()) + " categories";
  };
  if (old.calibration != after.calibration) {
    compare("calibration", calibration(old).value_or("none"), calibration(after).value_or("none"));
  }
  auto overrides = [](const Baseline& b) {
    return std::to_string(b.type_tolerances.size() + b.memory_tolerances.size()) + " override(s)";
  };
  if (old.type_tolerances != after.type_tolerances ||
      old.memory_tolerances != after.memory_tolerances) {
    compare("tolerances", overrides(old), overrides(after));
  }
  keys.clear();
  for (const auto& [k, v] : old.types) keys.insert(k);
  for (const auto& [k, v] : after.types) keys.insert(k);
  for (const auto& k : keys) {
    compare(k, maybe(old.types, k, render_type), maybe(after.types, k, render_type));
  }
  return changes;
}

}  // namespace leakgate
