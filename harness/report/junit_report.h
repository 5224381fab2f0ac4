#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace leakgate {

// JUnit XML of a report document: one <testsuite> for the run, one <testcase> per scenario; a
// scenario that misses its expectation is a <failure> whose text holds the findings and their
// retention paths; a scenario that could not be judged (crash, tool failure) is an <error>.
std::string render_junit(const nlohmann::json& report);

}  // namespace leakgate
