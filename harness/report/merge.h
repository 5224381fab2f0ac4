#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "report/run_report.h"

namespace leakgate {

struct ShardReport {
  std::filesystem::path dir;  // the shard's report folder (raw output of each scenario inside)
  RunReport report;           // its report.json
};

// Reads <dir>/report.json. Throws InputError naming the file when it is missing or not a report.
ShardReport read_shard_report(const std::filesystem::path& dir);

// Reads a report document of <dir>/report.json into the model (report_from_json: every field of
// its type, the schema this leakgate reads) and checks it before anything acts on it: every path in
// it (rawOutput, keptDumps) is relative and stays inside <dir> (a shard's report may come from
// another machine; it must never make merge copy or delete anything outside its own folder). Throws
// InputError naming the file and field.
ShardReport parse_shard_report(const nlohmann::json& doc, const std::filesystem::path& dir);

// One report of several shards' reports: the scenarios of all (in name order; a scenario in two
// shards is an InputError naming both folders), the tools of all, the longest shard's time as the
// run's time, the stale known leaks (an entry for every scenario ("*") only when no shard used
// it). Its exit code is left for the caller to decide (cli/exit_codes.h, from the results).
RunReport merge_reports(const std::vector<ShardReport>& shards);

}  // namespace leakgate
