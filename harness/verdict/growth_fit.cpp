#include "verdict/growth_fit.h"

#include <algorithm>
#include <cstddef>

namespace leakgate {
namespace {

constexpr double kLateShare = 0.5;     // the late slope against the whole slope
constexpr double kLargestStep = 0.6;   // the most of the rise one step may make
constexpr int kStepsToJudgeSteps = 3;  // fewer steps: no step can be told from a trend
constexpr double kFlatStep = 0.25;     // a step under this share of the mean step is flat
constexpr int kStepsPerFlatAllowed = 5;

// Least-squares slope of points [first, points.size()); 0 for fewer than two.
double slope_of(const std::vector<std::pair<int, double>>& points, std::size_t first) {
  const std::size_t count = points.size() - first;
  if (count < 2) return 0;
  const double n = static_cast<double>(count);
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = first; i < points.size(); ++i) {
    const double x = points[i].first;
    const double y = points[i].second;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double denominator = n * sxx - sx * sx;
  return denominator != 0 ? (n * sxy - sx * sy) / denominator : 0;
}

}  // namespace

GrowthFit fit_growth(const std::vector<std::pair<int, double>>& points,
                     const std::vector<bool>& unjudged_steps) {
  GrowthFit fit;
  if (points.size() < 2) return fit;
  fit.slope = slope_of(points, 0);
  fit.late_slope = slope_of(points, std::min(points.size() / 2, points.size() - 2));
  fit.steps = static_cast<int>(points.size()) - 1;
  const double rise = points.back().second - points.front().second;
  if (rise > 0) {
    double largest = 0;
    for (std::size_t i = 1; i < points.size(); ++i) {
      largest = std::max(largest, points[i].second - points[i - 1].second);
    }
    fit.largest_step_share = largest / rise;
    const double mean_step = rise / fit.steps;
    for (std::size_t i = 1; i < points.size(); ++i) {
      const bool unjudged = i - 1 < unjudged_steps.size() && unjudged_steps[i - 1];
      if (!unjudged && points[i].second - points[i - 1].second < kFlatStep * mean_step) {
        ++fit.flat_steps;
      }
    }
  }
  return fit;
}

GrowthShape growth_shape(const GrowthFit& fit, double threshold, bool every_stretch) {
  if (fit.slope <= 0 || fit.slope < threshold) return GrowthShape::kNone;
  if (fit.late_slope < fit.slope * kLateShare) return GrowthShape::kNone;
  if (fit.steps < kStepsToJudgeSteps) return GrowthShape::kSustained;
  if (every_stretch && fit.flat_steps > fit.steps / kStepsPerFlatAllowed) return GrowthShape::kNone;
  return fit.largest_step_share > kLargestStep ? GrowthShape::kOneStep : GrowthShape::kSustained;
}

bool sustained(const GrowthFit& fit, double threshold, bool every_stretch) {
  return growth_shape(fit, threshold, every_stretch) == GrowthShape::kSustained;
}

}  // namespace leakgate
