#include "verdict/growth_fit.h"

namespace leakgate {

GrowthFit fit_growth(const std::vector<std::pair<int, double>>& points) {
  GrowthFit fit;
  const double n = static_cast<double>(points.size());
  if (points.size() < 2) return fit;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [x, y] : points) {
    sx += x;
    sy += y;
    sxx += static_cast<double>(x) * x;
    sxy += x * y;
  }
  const double denominator = n * sxx - sx * sx;
  if (denominator != 0) fit.slope = (n * sxy - sx * sy) / denominator;
  const auto& a = points[points.size() - 2];
  const auto& b = points.back();
  if (b.first != a.first) fit.last_slope = (b.second - a.second) / (b.first - a.first);
  return fit;
}

bool sustained(const GrowthFit& fit, double threshold) {
  return fit.slope >= threshold && fit.last_slope >= threshold * 0.5;
}

}  // namespace leakgate
