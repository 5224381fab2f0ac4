#pragma once

#include <string>

namespace leakgate {

// What a scenario is meant to show: "pass" (no leak) or "leak" (a canary: the planted leak must be
// caught, proving the detector still works).
enum class Expectation { kPass, kLeak };

inline std::string to_string(Expectation e) { return e == Expectation::kLeak ? "leak" : "pass"; }

}  // namespace leakgate
