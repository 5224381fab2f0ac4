#pragma once

#include <string>

#include "scenario/manifest.h"
#include "scenario/session.h"
#include "scenario/step_vars.h"

namespace leakgate {

// Runs one step against the running app and returns what it answered (a protocol reply's payload,
// an HTTP status line, ...). Every wait has a deadline (the step's timeoutSeconds, else
// timeouts.commandSeconds); a failure is a ScenarioError naming the step and the condition, with
// the tail of the app's output.
std::string run_step(ScenarioSession& session, const Step& step, const Manifest& manifest);

// Runs steps in order, their variables bound from `vars` (a repeat binds its own for its steps),
// each step's outcome and time logged to the session's protocol.log.
void run_steps(ScenarioSession& session, const std::vector<Step>& steps, const Manifest& manifest,
               StepVars& vars);

}  // namespace leakgate
