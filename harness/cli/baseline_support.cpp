#include "cli/baseline_support.h"

#include "cli/exit_codes.h"

namespace leakgate {

// Why a scenario's run must not become its baseline, or nullopt when it may.
std::optional<std::pair<int, std::string>> refusal(const ScenarioResult& s, bool accept_growth) {
  if (s.verdict == Verdict::kError) {
    return std::pair{exit_code_for(s.error_kind.value_or(ErrorKind::kTool)),
                     "the run failed: " + s.error.value_or("")};
  }
  if (s.expected == Expectation::kLeak && s.verdict != Verdict::kLeak) {
    return std::pair{kExitLeak, std::string("a canary must catch its leak, but the verdict is ") +
                                    to_string(s.verdict)};
  }
  if (s.expected == Expectation::kPass && s.verdict == Verdict::kLeak && !accept_growth) {
    std::string types;
    for (std::size_t i = 0; i < s.findings.size() && i < 3; ++i) {
      types += (i ? ", " : "") + s.findings[i].type;
    }
    return std::pair{kExitLeak, "it grows with every iteration (" + types +
                                    "); fix the leak, or pass --accept-growth \"reason\""};
  }
  return std::nullopt;
}

std::map<std::string, std::string> recorded_with(const ScenarioResult& s, const RunResult& run) {
  std::map<std::string, std::string> with;
  for (const char* key : kFingerprintKeys) {
    if (const auto it = s.runtime.facts.find(key); it != s.runtime.facts.end()) {
      with[key] = it->second;
    }
  }
  // The tools' versions matter only where they measured something (SOS: the heap statistics).
  const bool measured_heap = !s.checkpoints.empty() && s.checkpoints.back().heap.has_value();
  for (const auto& [tool, version] : run.tools) {
    if (measured_heap) with[tool] = version;
  }
  return with;
}

}  // namespace leakgate
