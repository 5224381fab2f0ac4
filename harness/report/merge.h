#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

namespace leakgate {

struct ShardReport {
  std::filesystem::path dir;  // the shard's report folder (raw output of each scenario inside)
  nlohmann::json report;      // its report.json
};

// Reads <dir>/report.json. Throws InputError naming the file when it is missing or not a report.
ShardReport read_shard_report(const std::filesystem::path& dir);

// Checks a report document read from <dir>/report.json before anything acts on it: the fields
// merge reads have their types, and every path in it (rawOutput, keptDumps) is relative and
// stays inside <dir> (a shard's report may come from another machine; it must never make merge
// copy or delete anything outside its own folder). Throws InputError naming the file and field.
ShardReport parse_shard_report(nlohmann::json doc, const std::filesystem::path& dir);

// One report of several shards' reports: the scenarios of all (in name order; a scenario in two
// shards is an InputError naming both folders), the tools of all, the longest shard's time as the
// run's time, the stale known leaks (an entry for every scenario ("*") only when no shard used
// it). The summary counts are recomputed; its exitCode is left for the caller to decide.
nlohmann::json merge_reports(const std::vector<ShardReport>& shards);

}  // namespace leakgate
