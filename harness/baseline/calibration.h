#pragma once

#include <string>
#include <vector>

#include "baseline/baseline.h"
#include "model/snapshot.h"
#include "model/verdict_settings.h"

namespace leakgate {

// The spread of each final value over repeated runs of one scenario: per type key (instances)
// and per memory category (KiB). A key missing from a run counts as zero there.
Calibration calibrate(const std::vector<const Checkpoint*>& finals);

// A tolerance override in the baseline that allows far more than calibration observed.
struct LooseEntry {
  std::string key;
  bool memory = false;
  double allowed = 0;     // the excess over the baseline the override allows
  double calibrated = 0;  // the margin calibration would allow
};

// Overrides allowing more than `factor` times the calibrated margin.
std::vector<LooseEntry> loose_entries(const Baseline& baseline, double factor = 10);

// Narrows each loose override to the calibrated margin. Returns how many changed.
int tighten(Baseline& baseline, const std::vector<LooseEntry>& loose);

// The margin over the calibrated maximum that the tolerance rule allows: 3x the observed range, at
// least `floor` (10 instances, 256 KiB) and at least 2% of the calibrated maximum (five runs show
// too little of the spread of start-up: a count one instance over the largest of five runs is not
// a regression); for instance counts also at least the square root of the maximum (counts that
// come from events a run may or may not have vary as counts do: a service's first exception
// message loads a ResourceManager, 26 RuntimeType at once, in one run in six). Shared with the
// verdict and baseline update.
inline constexpr double kCalibratedRelativeFloor = 0.02;
enum class Measure { kCount, kKb };
double calibrated_margin(const Spread& spread, double floor, Measure measure);

}  // namespace leakgate
