#pragma once

#include <string>

#include "report/run_report.h"

namespace leakgate {

// One self-contained HTML page of a report: no network (a Content-Security-Policy
// forbids it), no external file. The verdict of every scenario, its findings with their retention
// paths, and inline SVG charts: the instances (or KiB) per checkpoint of each finding, and the
// memory-summary categories per checkpoint. A small inline script only checks that the charts
// rendered (data-charts-drawn on <body>), for the browser test.
std::string render_html(const RunReport& report);

}  // namespace leakgate
