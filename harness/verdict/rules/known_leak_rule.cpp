#include "verdict/rules/rule.h"

namespace leakgate {

Decision known_leak_rule(const Candidate& c, const Evidence& e) {
  if (e.known_leaks == nullptr) return {};
  for (const KnownLeak& leak : *e.known_leaks) {
    if (leak.type != c.key) continue;
    // Only what would otherwise fail is suppressed: a known leak that stopped leaking is stale.
    Decision would = growth_rule(c, e);
    if (would.kind != Decision::Kind::kFinding) would = tolerance_rule(c, e);
    if (would.kind != Decision::Kind::kFinding) return {};
    Decision d;
    d.kind = Decision::Kind::kSuppressed;
    d.finding = std::move(would.finding);
    d.known = &leak;
    return d;
  }
  return {};
}

}  // namespace leakgate
