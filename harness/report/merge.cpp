#include "report/merge.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/errors.h"
#include "common/json_reader.h"
#include "report/report_views.h"

namespace leakgate {

using nlohmann::json;
namespace fs = std::filesystem;

ShardReport read_shard_report(const fs::path& dir) {
  const fs::path file = dir / "report.json";
  if (!fs::exists(file))
    throw InputError(file.string(), "", "no report here (is it a report folder?)");
  ShardReport shard{dir, read_json_file(file.string())};
  if (!shard.report.is_object() || !shard.report.contains("scenarios") ||
      !shard.report["scenarios"].is_array()) {
    throw InputError(file.string(), "/scenarios", "not a leakgate report: no scenarios array");
  }
  if (shard.report.value("schemaVersion", 0) != 1) {
    throw InputError(file.string(), "/schemaVersion", "unsupported report schema (expected 1)");
  }
  return shard;
}

json merge_reports(const std::vector<ShardReport>& shards) {
  std::map<std::string, std::pair<json, fs::path>> scenarios;
  json tools = json::object();
  double seconds = 0;
  std::map<std::string, json> stale_specific;
  std::map<std::string, int> stale_everywhere;  // "*" entries: in how many shards stale
  int shards_with_scenarios = 0;  // a shard that ran nothing cannot have used an entry
  for (const auto& shard : shards) {
    if (!shard.report["scenarios"].empty()) ++shards_with_scenarios;
    for (const auto& s : shard.report["scenarios"]) {
      const std::string name = s.value("name", "");
      const auto [it, added] = scenarios.emplace(name, std::make_pair(s, shard.dir));
      if (!added) {
        throw InputError((shard.dir / "report.json").string(), "/scenarios",
                         "scenario '" + name + "' is also in " +
                             (it->second.second / "report.json").string() + ": the shards overlap");
      }
    }
    for (const auto& [tool, version] : tools_of(shard.report).items()) {
      tools[tool] = version;
    }
    seconds = std::max(seconds, shard.report.value("seconds", 0.0));
    for (const auto& k : shard.report.value("staleKnownLeaks", json::array())) {
      const std::string key = k.value("scenario", "") + "\n" + k.value("type", "");
      if (k.value("scenario", "") == "*") {
        ++stale_everywhere[key];
        stale_specific.emplace(key, k);
      } else {
        stale_specific[key] = k;
      }
    }
  }
  json merged_scenarios = json::array();
  int met = 0, errors = 0;
  for (const auto& [name, entry] : scenarios) {
    merged_scenarios.push_back(entry.first);
    met += entry.first.value("met", false) ? 1 : 0;
    errors += entry.first.value("verdict", "") == "error" ? 1 : 0;
  }
  json stale = json::array();
  for (const auto& [key, k] : stale_specific) {
    const auto everywhere = stale_everywhere.find(key);
    if (everywhere != stale_everywhere.end() && everywhere->second < shards_with_scenarios) {
      continue;  // another shard used it
    }
    stale.push_back(k);
  }
  json version =
      shards.empty() ? json::object() : shards.front().report.value("leakgate", json::object());
  return {{"schemaVersion", 1},
          {"leakgate", version},
          {"tools", tools},
          {"seconds", seconds},
          {"mergedFrom", static_cast<int>(shards.size())},
          {"summary",
           {{"scenarios", merged_scenarios.size()},
            {"met", met},
            {"unmet", static_cast<int>(merged_scenarios.size()) - met},
            {"errors", errors},
            {"exitCode", 0}}},
          {"scenarios", merged_scenarios},
          {"staleKnownLeaks", stale}};
}

}  // namespace leakgate
