#include "cli/exit_codes.h"

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

}  // namespace leakgate
