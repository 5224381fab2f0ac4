#include "report/merge.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/errors.h"
#include "common/json_reader.h"
#include "report/html_report.h"
#include "report/junit_report.h"
#include "report/markdown_report.h"
#include "report/report_views.h"

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

const json& member(const json& object, const char* key, json::value_t type, const std::string& file,
                   const std::string& where, const char* what) {
  static const json kNull;
  const auto it = object.find(key);
  if (it == object.end()) return kNull;
  if (it->type() != type && !(type == json::value_t::number_float && it->is_number())) {
    throw InputError(file, where + "/" + key, std::string("expected ") + what);
  }
  return *it;
}

}  // namespace

ShardReport parse_shard_report(json doc, const fs::path& dir) {
  const std::string file = (dir / "report.json").string();
  if (!doc.is_object() || !doc.contains("scenarios") || !doc["scenarios"].is_array()) {
    throw InputError(file, "/scenarios", "not a leakgate report: no scenarios array");
  }
  const json& version = doc["schemaVersion"];
  if (!version.is_number_integer() || version.get<std::int64_t>() != 1) {
    throw InputError(file, "/schemaVersion", "unsupported report schema (expected 1)");
  }
  member(doc, "seconds", json::value_t::number_float, file, "", "a number");
  member(doc, "tools", json::value_t::object, file, "", "an object");
  member(doc, "staleKnownLeaks", json::value_t::array, file, "", "an array");
  for (const auto& k : doc.value("staleKnownLeaks", json::array())) {
    if (!k.is_object()) throw InputError(file, "/staleKnownLeaks", "expected objects");
  }
  auto& scenarios = doc["scenarios"];
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const json& s = scenarios[i];
    const std::string where = "/scenarios/" + std::to_string(i);
    if (!s.is_object()) throw InputError(file, where, "expected an object");
    const json& name = s.contains("name") ? s["name"] : json();
    if (!name.is_string() || name.get<std::string>().empty()) {
      throw InputError(file, where + "/name", "expected a non-empty string");
    }
    const json& raw = member(s, "rawOutput", json::value_t::string, file, where, "a string");
    if (raw.is_string() && !raw.get<std::string>().empty()) {
      check_contained(dir, raw.get<std::string>(), file, where + "/rawOutput");
    }
    const json& dumps = member(s, "keptDumps", json::value_t::array, file, where, "an array");
    for (std::size_t d = 0; d < dumps.size(); ++d) {
      const std::string at = where + "/keptDumps/" + std::to_string(d);
      if (!dumps[d].is_object()) throw InputError(file, at, "expected an object");
      const json& path = member(dumps[d], "path", json::value_t::string, file, at, "a string");
      const std::string name_of =
          path.is_string() ? fs::path(path.get<std::string>()).filename().string() : "";
      if (name_of.empty() || name_of == "." || name_of == "..") {
        throw InputError(file, at + "/path", "expected the path of a dump file");
      }
    }
    for (const char* key : {"findings", "notes", "checkpoints"}) {
      member(s, key, json::value_t::array, file, where, "an array");
    }
  }
  // The writers and the merge read more fields than the checks above: a document they cannot
  // render is not a report (rather than an internal error halfway through the merge).
  try {
    const json merged = merge_reports({ShardReport{dir, doc}});
    (void)render_markdown(merged);
    (void)render_html(merged);
    (void)render_junit(merged);
  } catch (const json::exception& e) {
    throw InputError(file, "", std::string("not a leakgate report: ") + e.what());
  }
  return ShardReport{dir, std::move(doc)};
}

ShardReport read_shard_report(const fs::path& dir) {
  const fs::path file = dir / "report.json";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw InputError(file.string(), "", "no report here (is it a report folder?)");
  }
  return parse_shard_report(read_json_file(file.string()), dir);
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
      const std::string name = string_or(s, "name");
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
      const std::string key = string_or(k, "scenario") + "\n" + string_or(k, "type");
      if (string_or(k, "scenario") == "*") {
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
    met += bool_or(entry.first, "met", false) ? 1 : 0;
    errors += string_or(entry.first, "verdict") == "error" ? 1 : 0;
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
