#pragma once

#include <optional>
#include <string>
#include <vector>

#include "verdict/scenario_result.h"

namespace leakgate {

// The version of report.json this leakgate writes and reads: a report of another version is
// refused by name rather than misread.
inline constexpr int kReportSchemaVersion = 1;

// A run that could not finish (bad input, an interrupt, a failure outside any scenario).
struct AbortedRun {
  std::string kind;  // error_kind_name: "input", "interrupted", ...
  std::string message;
};

// What `baseline update` did with the baselines.
struct BaselineUpdate {
  std::string status;                // "written", "unchanged", "refused", "failed"
  std::vector<std::string> written;  // the files written
  std::string error;                 // why not, when refused or failed
};

// One report: what every writer (console, report.json, JUnit, Markdown, HTML) and `report merge`
// read. The counts and the order of scenarios, leaks and findings are decided here and in the
// result (reading_order), never by a writer. report.json is this model as JSON (json_report.h:
// report_to_json and report_from_json, which read each other's output back whole).
struct RunReport {
  RunResult run;
  int exit_code = 0;
  std::string leakgate_version = LEAKGATE_VERSION;
  std::optional<AbortedRun> aborted;
  std::optional<BaselineUpdate> baseline_update;
  int merged_from = 0;  // > 0: `report merge` of that many shard reports

  int scenarios() const { return static_cast<int>(run.scenarios.size()); }
  int met() const;
  int unmet() const { return scenarios() - met(); }
  int errors() const;
};

RunReport make_run_report(RunResult run, int exit_code);
RunReport aborted_run_report(const std::string& kind, const std::string& message, int exit_code);

// A scenario's findings in reading order, the same in every view: the app's own types (not
// is_framework_type) first, among them the one nearest the root of the retention paths first
// (the one that holds the others: a leaked form before its controls), then the rest in the
// verdict's order (fastest growth first, then baseline findings).
std::vector<const Finding*> reading_order(const ScenarioResult& s);
// The findings a view prints on their own: reading_order without the managed findings a leak
// already tells (its members).
std::vector<const Finding*> findings_outside_leaks(const ScenarioResult& s);

// Whether the scenario failed the build (its verdict is not what it expects), or could not be
// judged.
inline bool failed(const ScenarioResult& s) { return !s.met; }
inline bool errored(const ScenarioResult& s) { return s.verdict == Verdict::kError; }
// "pass", "leak", "leak caught (canary)", "canary caught nothing", "error".
std::string outcome_of(const ScenarioResult& s);

}  // namespace leakgate
