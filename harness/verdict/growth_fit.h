#pragma once

#include <utility>
#include <vector>

namespace leakgate {

// The shape of a series of (iteration, value) points, as the growth rule reads it.
struct GrowthFit {
  double slope = 0;       // least-squares growth per iteration over all points
  double late_slope = 0;  // least-squares growth per iteration over the last half of the points
  int steps = 0;          // between consecutive points
  // The largest rise between two consecutive points as a share of the whole rise (first point to
  // last); 1 when the series does not rise.
  double largest_step_share = 1;
  // Steps that rose by less than a quarter of the mean step (first point to last, by steps).
  int flat_steps = 0;
};

// Fits (iteration, value) points, in iteration order. One point gives zero growth. The last half
// of n points is the last ceil(n/2) of them, at least 2 (of 2 and 3: the last 2; of 4: the last 2;
// of 5: the last 3).
// `unjudged_steps` (optional, one per step): steps not counted as flat (a series from which
// something was taken out at those steps).
GrowthFit fit_growth(const std::vector<std::pair<int, double>>& points,
                     const std::vector<bool>& unjudged_steps = {});

// Sustained growth, all four:
//  1. the slope over all points reaches `threshold` (and is above 0);
//  2. growth has not stopped: the slope over the last half of the points is at least half the
//     slope over all of them (a cache that fills during the first round trips and then stays
//     full, a curve that rises and flattens, fail this);
//  3. no single step carries it: with three steps or more, no step between two consecutive points
//     makes more than 60% of the whole rise (one late jump fails this; with two steps a jump and
//     a steady rise cannot be told apart, which is why scenarios take four checkpoints or more);
//  4. with `every_stretch` (instance counts), it grew in every stretch: with three steps or more,
//     every step rises by at least a quarter of the mean step (one in five may not, with many
//     steps). Two one-off steps in different stretches (a lazy initialisation early, another late)
//     with a flat stretch between fail this. Memory grows in pages and arenas, whose steps are
//     lumpy even for a steady leak: it is not held to this.
bool sustained(const GrowthFit& fit, double threshold, bool every_stretch = false);

// What the four tests make of a series: no sustained growth, sustained growth, or growth that
// passes every test but 3 (one step carries most of it). The last is undecided, not nothing: a
// leak whose first stretches were absorbed (a native leak filling the malloc arenas' free chunks
// before the arenas grow) has that shape as well as a one-off step has, and only more iterations
// tell them apart (the scenario runner runs another stretch, docs/verdicts.md).
enum class GrowthShape { kNone, kSustained, kOneStep };
GrowthShape growth_shape(const GrowthFit& fit, double threshold, bool every_stretch = false);

}  // namespace leakgate
