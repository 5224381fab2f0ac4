#pragma once

#include "model/leak.h"
#include "verdict/scenario_result.h"

namespace leakgate {

// Puts the leaks the heap engine found into a judged result: each leak whose head is a managed
// finding gets that finding's growth per iteration (a leak whose head is no longer a finding, as
// after a rejudge with other rules, is dropped), and every managed finding in a leak is told by its
// leak's path (Finding::retention), so each view that prints a finding's path prints the leak's.
void attach_leaks(LeakAnalysis analysis, ScenarioResult& result);

// The finding of a type key (managed, instances first), or null.
const Finding* managed_finding(const ScenarioResult& result, const std::string& type);

}  // namespace leakgate
