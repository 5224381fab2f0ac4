#include "cli/exit_codes.h"

#include "common/json_reader.h"

namespace leakgate {

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
    case ErrorKind::kInput:
      return kExitBadInput;
    case ErrorKind::kScenario:
    case ErrorKind::kTool:
      return kExitFailure;
    case ErrorKind::kInterrupted:
      return kExitInterrupted;
  }
  return kExitFailure;
}

int exit_code_for(const RunResult& run) {
  int code = kExitOk;
  for (const auto& s : run.scenarios) {
    if (s.verdict == Verdict::kError) return exit_code_for(s.error_kind.value_or(ErrorKind::kTool));
    if (!s.met) code = kExitLeak;
  }
  return code;
}

int exit_code_for(const nlohmann::json& report) {
  RunResult run;
  for (const auto& s : report.value("scenarios", nlohmann::json::array())) {
    ScenarioResult r;
    r.met = bool_or(s, "met", false);
    r.verdict = string_or(s, "verdict") == "error" ? Verdict::kError : Verdict::kPass;
    ErrorKind kind = ErrorKind::kTool;
    if (parse_error_kind(string_or(s, "errorKind"), kind)) r.error_kind = kind;
    run.scenarios.push_back(std::move(r));
  }
  return exit_code_for(run);
}

}  // namespace leakgate
