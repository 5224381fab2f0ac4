#pragma once

#include "common/errors.h"
#include "verdict/scenario_result.h"

namespace leakgate {

// The contract's exit codes, decided here and nowhere else.
inline constexpr int kExitOk = 0;        // every scenario met its expectation
inline constexpr int kExitLeak = 1;      // a leak or regression (or a canary that caught nothing)
inline constexpr int kExitBadInput = 2;  // bad usage, manifest or baseline
inline constexpr int kExitFailure = 3;   // a scenario or tool failed
inline constexpr int kExitInterrupted = 130;

int exit_code_for(ErrorKind kind);

// A failed scenario or tool outweighs an unmet expectation: the run cannot be trusted then.
int exit_code_for(const RunResult& run);

}  // namespace leakgate
