#pragma once

#include <utility>
#include <vector>

namespace leakgate {

struct GrowthFit {
  double slope = 0;       // least-squares growth per iteration over all points
  double last_slope = 0;  // growth per iteration between the last two points
};

// Fits (iteration, value) points. One point gives zero growth.
GrowthFit fit_growth(const std::vector<std::pair<int, double>>& points);

// Sustained growth: the fitted slope reaches `threshold`, and growth has not stopped by the end
// (the last segment grows at least half as fast). A cache that fills during the first round trips
// and then stays full fails the second condition: it is not a leak.
bool sustained(const GrowthFit& fit, double threshold);

}  // namespace leakgate
