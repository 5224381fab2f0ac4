#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "report/run_report.h"

namespace leakgate {

// Text shared by the console, JUnit, Markdown and HTML views: they render what the run decided
// (report/run_report.h) and never decide anything themselves.

// "FormsApp.CustomerForm  instances 5 -> 25 (+1.00/iteration)  [growth]"; a baseline finding adds
// its baseline and limit and whether it was over the limit from the warm-up on.
std::string describe_finding(const Finding& finding);
// For a baseline finding: whether its value was over the limit at the warm-up checkpoint already
// (a larger footprint from the start) or crossed it during the run.
std::string excess_note(bool over_at_warmup, double warmup);
// What a memory finding's owner ("native", "runtime") means, as "  ..." to append; "" otherwise.
std::string owner_note(std::string_view owner);
// The retention paths of a finding as text lines ("static X.Y -> ...  (5/5 sampled)").
std::vector<std::string> retention_lines(const Finding& finding);
// The command that opens a kept dump, its path quoted for a POSIX shell.
std::string open_dump_command(const std::string& dump_path);

}  // namespace leakgate
