#pragma once

#include <string>

#include "scenario/manifest.h"
#include "scenario/session.h"

namespace leakgate {

// Runs one step against the running app and returns what it answered (a protocol reply's payload,
// an HTTP status line, ...). Every wait has a deadline (the step's timeoutSeconds, else
// timeouts.commandSeconds); a failure is a ScenarioError naming the step and the condition, with
// the tail of the app's output.
std::string run_step(ScenarioSession& session, const Step& step, const Manifest& manifest);

}  // namespace leakgate
