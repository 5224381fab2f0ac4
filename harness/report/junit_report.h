#pragma once

#include <string>

#include "report/run_report.h"

namespace leakgate {

// JUnit XML of a report: one <testsuite> for the run, one <testcase> per scenario; a
// scenario that misses its expectation is a <failure> whose text holds the findings and their
// retention paths; a scenario that could not be judged (crash, tool failure) is an <error>.
std::string render_junit(const RunReport& report);

}  // namespace leakgate
