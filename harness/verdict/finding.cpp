#include "verdict/finding.h"

#include <array>
#include <utility>

namespace leakgate {

namespace {

template <class E, std::size_t N>
std::string name_of(E value, const std::array<std::pair<E, const char*>, N>& names) {
  for (const auto& [e, name] : names) {
    if (e == value) return name;
  }
  return "?";
}

template <class E, std::size_t N>
bool value_of(std::string_view name, const std::array<std::pair<E, const char*>, N>& names,
              E& out) {
  for (const auto& [e, n] : names) {
    if (name == n) {
      out = e;
      return true;
    }
  }
  return false;
}

constexpr std::array<std::pair<FindingKind, const char*>, 2> kKinds = {
    {{FindingKind::kManaged, "managed"}, {FindingKind::kMemory, "memory"}}};
constexpr std::array<std::pair<Metric, const char*>, 4> kMetrics = {
    {{Metric::kInstances, "instances"},
     {Metric::kBytes, "bytes"},
     {Metric::kGcHeapAllocatedBytes, "gcHeapAllocatedBytes"},
     {Metric::kWorkingSetKb, "workingSetKb"}}};
constexpr std::array<std::pair<FindingRule, const char*>, 2> kRules = {
    {{FindingRule::kGrowth, "growth"}, {FindingRule::kBaseline, "baseline"}}};

}  // namespace

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kLeak:
      return "leak";
    case Verdict::kRegression:
      return "regression";
    case Verdict::kError:
      return "error";
  }
  return "error";
}

std::string to_string(FindingKind k) { return name_of(k, kKinds); }
std::string to_string(Metric m) { return name_of(m, kMetrics); }
std::string to_string(FindingRule r) { return name_of(r, kRules); }

bool parse_finding_kind(std::string_view name, FindingKind& out) {
  return value_of(name, kKinds, out);
}
bool parse_metric(std::string_view name, Metric& out) { return value_of(name, kMetrics, out); }
bool parse_finding_rule(std::string_view name, FindingRule& out) {
  return value_of(name, kRules, out);
}

}  // namespace leakgate
