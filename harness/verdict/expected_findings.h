#pragma once

#include <string>
#include <vector>

#include "verdict/finding.h"

namespace leakgate {

// A canary's expectFindings against the findings of its run: an entry is caught by a growth
// finding whose key is the entry, or ends with it after a `.` or `+` (`Customer` for
// `MyApp.Controllers.Customer`) when only one key does. Returns a note per entry not caught: a
// suffix several keys end with names them; an entry nothing matches names the keys closest to it
// (did you mean).
std::vector<std::string> uncaught_expected_findings(const std::vector<std::string>& expected,
                                                    const std::vector<Finding>& findings);

}  // namespace leakgate
