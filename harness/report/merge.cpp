#include "report/merge.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/errors.h"
#include "common/json_reader.h"
#include "report/json_report.h"

namespace leakgate {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A path a report names relative to its own folder: no root, no "..", no empty or "." segments,
// and, once symbolic links on disk are followed, still inside the folder.
void check_contained(const fs::path& dir, const std::string& relative, const std::string& file,
                     const std::string& where) {
  const fs::path p(relative);
  if (relative.empty() || p.is_absolute() || p.has_root_name() || p.has_root_directory()) {
    throw InputError(file, where,
                     "\"" + relative + "\" must be a path relative to the report folder");
  }
  for (const auto& part : p) {
    const std::string s = part.string();
    if (s.empty() || s == "." || s == "..") {
      throw InputError(
          file, where,
          "\"" + relative + "\" leaves the report folder (no \"..\" or \".\" allowed)");
    }
  }
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(dir, ec);
  const fs::path resolved = ec ? fs::path() : fs::weakly_canonical(dir / p, ec);
  const fs::path rel = resolved.lexically_relative(base);
  if (ec || rel.empty() || *rel.begin() == "..") {
    throw InputError(file, where,
                     "\"" + relative + "\" resolves outside the report folder (a symbolic link?)");
  }
}

}  // namespace

ShardReport parse_shard_report(const json& doc, const fs::path& dir) {
  const std::string file = (dir / "report.json").string();
  RunReport report = report_from_json(doc, file);
  for (std::size_t i = 0; i < report.run.scenarios.size(); ++i) {
    const ScenarioResult& s = report.run.scenarios[i];
    const std::string where = "/scenarios/" + std::to_string(i);
    if (!s.report_subdir.empty()) {
      check_contained(dir, s.report_subdir, file, where + "/rawOutput");
    }
    for (std::size_t d = 0; d < s.kept_dumps.size(); ++d) {
      const std::string name = fs::path(s.kept_dumps[d].path).filename().string();
      if (name.empty() || name == "." || name == "..") {
        throw InputError(file, where + "/keptDumps/" + std::to_string(d) + "/path",
                         "expected the path of a dump file");
      }
    }
  }
  return ShardReport{dir, std::move(report)};
}

ShardReport read_shard_report(const fs::path& dir) {
  const fs::path file = dir / "report.json";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw InputError(file.string(), "", "no report here (is it a report folder?)");
  }
  return parse_shard_report(read_json_file(file.string()), dir);
}

RunReport merge_reports(const std::vector<ShardReport>& shards) {
  std::map<std::string, std::pair<const ScenarioResult*, fs::path>> scenarios;
  RunReport merged;
  merged.merged_from = static_cast<int>(shards.size());
  if (!shards.empty()) merged.leakgate_version = shards.front().report.leakgate_version;
  std::map<std::string, KnownLeak> stale_specific;
  std::map<std::string, int> stale_everywhere;  // "*" entries: in how many shards stale
  int shards_with_scenarios = 0;  // a shard that ran nothing cannot have used an entry
  for (const auto& shard : shards) {
    const RunResult& run = shard.report.run;
    if (!run.scenarios.empty()) ++shards_with_scenarios;
    for (const auto& s : run.scenarios) {
      const auto [it, added] = scenarios.emplace(s.name, std::make_pair(&s, shard.dir));
      if (!added) {
        throw InputError((shard.dir / "report.json").string(), "/scenarios",
                         "scenario '" + s.name + "' is also in " +
                             (it->second.second / "report.json").string() + ": the shards overlap");
      }
    }
    for (const auto& [tool, version] : run.tools) merged.run.tools[tool] = version;
    merged.run.seconds = std::max(merged.run.seconds, run.seconds);
    for (const auto& k : run.stale_known_leaks) {
      const std::string key = k.scenario + "\n" + k.type;
      if (k.scenario == "*") {
        ++stale_everywhere[key];
        stale_specific.emplace(key, k);
      } else {
        stale_specific[key] = k;
      }
    }
  }
  for (const auto& [name, entry] : scenarios) merged.run.scenarios.push_back(*entry.first);
  for (const auto& [key, k] : stale_specific) {
    const auto everywhere = stale_everywhere.find(key);
    if (everywhere != stale_everywhere.end() && everywhere->second < shards_with_scenarios) {
      continue;  // another shard used it
    }
    merged.run.stale_known_leaks.push_back(k);
  }
  return merged;
}

}  // namespace leakgate
