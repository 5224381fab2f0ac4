#pragma once

#include <optional>
#include <string>

#include "verdict/candidate.h"
#include "verdict/finding.h"

namespace leakgate {

// A rule's answer for one candidate. The verdict asks the rules in order; the first definite
// answer (anything but kUndecided) wins.
struct Decision {
  enum class Kind { kUndecided, kPass, kSuppressed, kFinding };
  Kind kind = Kind::kUndecided;
  Finding finding;                   // kFinding, and kSuppressed (what would have been found)
  const KnownLeak* known = nullptr;  // kSuppressed
  std::string reason;                // kPass: why (for tests and --verbose)
  std::string note;                  // kPass: what the report should still say
  // kUndecided by the growth rule only because one step carries the growth
  // (GrowthShape::kOneStep): the series in words, for the note of a run that goes on.
  std::string one_step;
};

using Rule = Decision (*)(const Candidate&, const Evidence&);

// 1. Changes too small to mean anything (below the noise floor) while within the baseline.
Decision noise_floor_rule(const Candidate& candidate, const Evidence& evidence);
// 2. A checked-in known leak: what it would find is reported as suppressed.
Decision known_leak_rule(const Candidate& candidate, const Evidence& evidence);
// 3. Sustained growth per iteration over the checkpoints: a leak.
Decision growth_rule(const Candidate& candidate, const Evidence& evidence);
// 4. Over the baseline beyond the tolerance: a regression.
Decision tolerance_rule(const Candidate& candidate, const Evidence& evidence);

// Shared by the rules: the finding a candidate would make, without rule or limit filled in.
Finding finding_for(const Candidate& candidate);

// The limit of the baseline comparison and where its tolerance came from; nullopt when the
// candidate has no baseline value.
struct Limit {
  double baseline = 0;
  double limit = 0;
  std::string source;                  // "baseline override", "calibration" or "scenario"
  Metric metric = Metric::kInstances;  // the metric the limit is on
  double actual = 0;                   // what is held against the limit (Candidate::lasting)
};
std::optional<Limit> baseline_limit(const Candidate& candidate, const Evidence& evidence);

// The growth threshold per iteration for a candidate (scenario setting or baseline override).
double growth_threshold(const Candidate& candidate, const Evidence& evidence);

}  // namespace leakgate
