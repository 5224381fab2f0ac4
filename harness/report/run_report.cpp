#include "report/run_report.h"

#include <algorithm>
#include <limits>
#include <map>

#include "model/type_key.h"

namespace leakgate {

int RunReport::met() const {
  return static_cast<int>(std::count_if(run.scenarios.begin(), run.scenarios.end(),
                                        [](const ScenarioResult& s) { return s.met; }));
}

int RunReport::errors() const {
  return static_cast<int>(std::count_if(run.scenarios.begin(), run.scenarios.end(), errored));
}

RunReport make_run_report(RunResult run, int exit_code) {
  RunReport r;
  r.run = std::move(run);
  r.exit_code = exit_code;
  return r;
}

RunReport aborted_run_report(const std::string& kind, const std::string& message, int exit_code) {
  RunReport r;
  r.exit_code = exit_code;
  r.aborted = AbortedRun{kind, message};
  return r;
}

std::vector<const Finding*> reading_order(const ScenarioResult& s) {
  // Depth of each type in the retention chains of all findings (the smallest seen).
  std::map<std::string, std::size_t> depth;
  for (const auto& f : s.findings) {
    if (!f.retention) continue;
    for (const auto& g : f.retention->groups) {
      const auto& chain = g.shortest.chain;
      for (std::size_t i = 0; i < chain.size(); ++i) {
        const auto [d, added] = depth.emplace(chain[i].type, i);
        if (!added) d->second = std::min(d->second, i);
      }
    }
  }
  const auto framework = [](const Finding* f) { return is_framework_type(f->type); };
  const auto depth_of = [&](const Finding* f) {
    const auto d = depth.find(f->type);
    return d == depth.end() ? std::numeric_limits<std::size_t>::max() : d->second;
  };
  std::vector<const Finding*> out;
  out.reserve(s.findings.size());
  for (const auto& f : s.findings) out.push_back(&f);
  std::stable_sort(out.begin(), out.end(), [&](const Finding* a, const Finding* b) {
    if (framework(a) != framework(b)) return !framework(a);
    return !framework(a) && depth_of(a) < depth_of(b);
  });
  return out;
}

std::vector<const Finding*> findings_outside_leaks(const ScenarioResult& s) {
  std::vector<const Finding*> out;
  for (const Finding* f : reading_order(s)) {
    if (f->kind == FindingKind::kManaged && in_a_leak(s.leak_analysis, f->type)) continue;
    out.push_back(f);
  }
  return out;
}

std::string outcome_of(const ScenarioResult& s) {
  if (s.verdict == Verdict::kError) return "error";
  if (s.expected == Expectation::kLeak) {
    return s.met ? "leak caught (canary)" : "canary caught nothing";
  }
  return to_string(s.verdict);
}

}  // namespace leakgate
