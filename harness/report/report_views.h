#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace leakgate {

// Read-only helpers over a report document (report.json), shared by the JUnit, Markdown and HTML
// writers: they render what the run decided and never decide anything themselves.

// "FormsApp.CustomerForm  instances 5 -> 25 (+1.00/iteration)  [growth]"
std::string describe_finding(const nlohmann::json& finding);
// For a baseline finding: whether its value was over the limit at the warm-up checkpoint already
// (a larger footprint from the start) or crossed it during the run.
std::string excess_note(bool over_at_warmup, double warmup);

// What a memory finding's owner ("native", "runtime") means, as "  ..." to append; "" otherwise.
std::string owner_note(std::string_view owner);
// A scenario's findings in reading order: the app's own types (not is_framework_type)
// first, and among them the one nearest the root of the retention paths first (the one that holds
// the others: a leaked form before its controls), then the rest in report order.
std::vector<const nlohmann::json*> ordered_findings(const nlohmann::json& scenario);
// The first of ordered_findings; nullptr when there is none.
const nlohmann::json* headline_finding(const nlohmann::json& scenario);
// The retention paths of a finding as text lines ("static X.Y -> ... (5/5 sampled)").
std::vector<std::string> retention_lines(const nlohmann::json& finding);
// "pass", "LEAK (expected)", "REGRESSION", "ERROR", "canary caught nothing", ...
std::string outcome_of(const nlohmann::json& scenario);
// Whether the scenario failed the build (its verdict is not what it expects).
bool failed(const nlohmann::json& scenario);
bool errored(const nlohmann::json& scenario);
// The command that opens a kept dump, its path quoted for a POSIX shell.
std::string open_dump_command(const std::string& dump_path);
// The report's "aborted" object (the run could not finish), or nullptr.
const nlohmann::json* aborted_of(const nlohmann::json& report);
// The report's "tools" object (an empty one when absent), by reference: safe to iterate.
const nlohmann::json& tools_of(const nlohmann::json& report);

}  // namespace leakgate
