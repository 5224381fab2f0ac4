#pragma once

#include <string>

#include "report/run_report.h"

namespace leakgate {

// A Markdown summary of a report, fit for a pull-request comment or a CI step summary:
// the outcome, a table of scenarios, then each failing scenario's findings with what holds them.
std::string render_markdown(const RunReport& report);

}  // namespace leakgate
