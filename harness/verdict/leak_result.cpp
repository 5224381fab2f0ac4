#include "verdict/leak_result.h"

#include <algorithm>

namespace leakgate {

const Finding* managed_finding(const ScenarioResult& result, const std::string& type) {
  const Finding* found = nullptr;
  for (const auto& f : result.findings) {
    if (f.kind != FindingKind::kManaged || f.type != type) continue;
    if (found == nullptr || f.metric == Metric::kInstances) found = &f;
  }
  return found;
}

namespace {

// The least part of its head's growth over the run a leak must hold.
constexpr double kLeakShareOfGrowth = 0.25;

std::string member_text(const Leak& leak, const LeakMember& m) {
  std::string path = render_leak_path(leak);
  switch (m.relation) {
    case LeakRelation::kHead:
    case LeakRelation::kPath:
      return path;
    case LeakRelation::kUnder:
      return path + " -> ... -> " + m.type;
    case LeakRelation::kBeside:
      break;
  }
  return m.type + " beside the leak of " + leak.head + ": " + path;
}

Retention retention_of(const Leak& leak, const LeakMember& m) {
  Retention r;
  r.type = m.type;
  r.instances = m.instances;
  r.sampled = static_cast<int>(std::min<std::uint64_t>(m.instances, 1u << 30));
  RetentionGroup g;
  g.shortest.root_kind = leak.root.kind;
  g.shortest.root = leak.root.name;
  g.shortest.holder = leak.root.holder;
  g.shortest.field = leak.root.field;
  for (const auto& hop : leak.path) g.shortest.chain.push_back({0, hop.type, hop.note});
  if (m.relation == LeakRelation::kUnder || m.relation == LeakRelation::kBeside) {
    g.shortest.chain.push_back({0, m.type, ""});
  }
  g.fingerprint = "leak " + leak.head + " | " + render_root(leak.root);
  g.instances = r.sampled;
  g.text = member_text(leak, m);
  r.groups.push_back(std::move(g));
  return r;
}

}  // namespace

void attach_leaks(LeakAnalysis analysis, ScenarioResult& result) {
  std::erase_if(analysis.leaks,
                [&](const Leak& leak) { return managed_finding(result, leak.head) == nullptr; });
  // A place that gained a few objects once (a cache of the framework filled by the first
  // requests) is not where the growth goes: a leak holds a good part of its head's growth.
  const std::size_t before = analysis.leaks.size();
  std::erase_if(analysis.leaks, [&](const Leak& leak) {
    const double grown =
        managed_finding(result, leak.head)->growth_per_iteration * std::max(1, result.iterations);
    return static_cast<double>(leak.head_instances) < kLeakShareOfGrowth * grown;
  });
  analysis.minor_places += before - analysis.leaks.size();
  for (auto& leak : analysis.leaks) {
    leak.head_growth_per_iteration = managed_finding(result, leak.head)->growth_per_iteration;
    for (const auto& m : leak.members) {
      for (auto& f : result.findings) {
        if (f.kind == FindingKind::kManaged && f.type == m.type && !f.retention)
          f.retention = retention_of(leak, m);
      }
    }
  }
  // Leaks by what they retain per iteration, the app's own heads first.
  std::stable_sort(analysis.leaks.begin(), analysis.leaks.end(), [](const Leak& a, const Leak& b) {
    if (a.head_is_app != b.head_is_app) return a.head_is_app;
    return a.retained_bytes_per_iteration() > b.retained_bytes_per_iteration();
  });
  result.leak_analysis = std::move(analysis);
}

}  // namespace leakgate
