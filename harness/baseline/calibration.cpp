#include "baseline/calibration.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "model/judged_memory.h"
#include "model/type_totals.h"

namespace leakgate {

namespace {

void add(std::map<std::string, std::vector<double>>& values, const std::string& key, double v) {
  values[key].push_back(v);
}

std::map<std::string, Spread> spreads(const std::map<std::string, std::vector<double>>& values,
                                      std::size_t runs) {
  std::map<std::string, Spread> out;
  for (const auto& [key, list] : values) {
    std::vector<double> all = list;
    all.resize(runs, 0.0);  // absent in a run: zero there
    const auto [lo, hi] = std::minmax_element(all.begin(), all.end());
    out[key] = Spread{*lo, *hi};
  }
  return out;
}

}  // namespace

double calibrated_margin(const Spread& spread, double floor, Measure measure) {
  const double margin =
      std::max({3 * (spread.max - spread.min), floor, kCalibratedRelativeFloor * spread.max});
  return measure == Measure::kCount ? std::max(margin, std::sqrt(std::max(spread.max, 0.0)))
                                    : margin;
}

Calibration calibrate(const std::vector<const Checkpoint*>& finals) {
  std::map<std::string, std::vector<double>> counts, kb;
  for (const Checkpoint* c : finals) {
    for (const auto& [key, total] : type_totals(*c))
      add(counts, key, static_cast<double>(total.count));
    if (c->memory) {
      for (auto category : judged_categories(memory_split(*c))) {
        add(kb, std::string(category_label(category)),
            static_cast<double>(judged_kb(*c, category)));
      }
    }
  }
  Calibration cal;
  cal.runs = static_cast<int>(finals.size());
  cal.type_counts = spreads(counts, finals.size());
  cal.memory_kb = spreads(kb, finals.size());
  return cal;
}

std::vector<LooseEntry> loose_entries(const Baseline& b, double factor) {
  std::vector<LooseEntry> out;
  if (!b.calibration) return out;
  auto scan = [&](const std::map<std::string, ToleranceOverride>& overrides,
                  const std::map<std::string, Spread>& spreads, bool memory, auto base_of) {
    for (const auto& [key, o] : overrides) {
      const auto s = spreads.find(key);
      if (s == spreads.end() || (!o.relative && !o.absolute)) continue;
      const double base = base_of(key);
      const double allowed = base * o.relative.value_or(0) + o.absolute.value_or(0);
      const double calibrated = calibrated_margin(s->second, memory ? 256.0 : 10.0,
                                                  memory ? Measure::kKb : Measure::kCount);
      if (allowed > factor * calibrated) out.push_back({key, memory, allowed, calibrated});
    }
  };
  scan(b.type_tolerances, b.calibration->type_counts, false, [&](const std::string& k) {
    const auto it = b.types.find(k);
    return it == b.types.end() ? 0.0 : static_cast<double>(it->second.count);
  });
  scan(b.memory_tolerances, b.calibration->memory_kb, true, [&](const std::string& k) {
    const auto it = b.memory_kb.find(k);
    return it == b.memory_kb.end() ? 0.0 : static_cast<double>(it->second);
  });
  return out;
}

int tighten(Baseline& b, const std::vector<LooseEntry>& loose) {
  int changed = 0;
  for (const auto& entry : loose) {
    auto& overrides = entry.memory ? b.memory_tolerances : b.type_tolerances;
    auto it = overrides.find(entry.key);
    if (it == overrides.end()) continue;
    it->second.relative = 0.0;
    it->second.absolute = entry.calibrated;
    ++changed;
  }
  return changed;
}

}  // namespace leakgate
