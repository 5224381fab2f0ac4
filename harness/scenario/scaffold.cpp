#include "scenario/scaffold.h"

#include <algorithm>

#include "common/errors.h"

namespace leakgate {

namespace fs = std::filesystem;
using ordered_json = nlohmann::ordered_json;

namespace {

constexpr const char* kBase = "http://127.0.0.1:${port}";

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// A path the user gave, as the manifest writes it: relative to the scenario folder when it was
// relative to where they are (the scenario and the app move together, in one repository), else as
// given.
std::string from_scenario(const fs::path& p, const ScaffoldRequest& r) {
  if (p.is_absolute()) return p.string();
  const fs::path relative = (r.from / p).lexically_normal().lexically_relative(r.scenario_dir);
  return relative.empty() ? p.string() : relative.string();
}

// The schema's path from the scenario folder when both are in one tree (under the same top
// folder: a repository, a home), else absolute (an installed leakgate's).
std::string schema_path(const fs::path& schema, const fs::path& scenario_dir) {
  const auto top = [](const fs::path& p) {
    auto it = p.begin();
    return p.is_absolute() && it != p.end() && ++it != p.end() ? *it : fs::path();
  };
  if (top(schema).empty() || top(schema) != top(scenario_dir)) return schema.string();
  return schema.lexically_relative(scenario_dir).string();
}

std::string with_slash(const std::string& path) {
  return path.empty() || path[0] != '/' ? "/" + path : path;
}

ordered_json http_step(const std::string& method, const std::string& path,
                       const std::string& body) {
  ordered_json http = {{"url", kBase + with_slash(path)}};
  if (method != "GET") {
    http["method"] = method;
    http["body"] = body;
  }
  http["expectStatus"] = "2xx";
  return {{"http", http}};
}

}  // namespace

ordered_json scaffold_manifest(const ScaffoldRequest& r) {
  if (r.argv.empty()) throw UsageError("init: the app's command line follows --");
  const bool http = !r.get_paths.empty() || !r.post_paths.empty();
  if (!http && r.commands.empty()) {
    throw UsageError(
        "init: say what a round trip is: --get PATH or --post PATH (an app driven over HTTP), "
        "or --command NAME (an app that speaks leakgate's control protocol)");
  }
  if (http && !r.commands.empty()) {
    throw UsageError("init: --command (the control protocol) and --get/--post (HTTP) do not mix");
  }
  std::vector<std::string> argv = r.argv;
  std::string cwd;
  // `dotnet App.dll`: the app runs in App.dll's folder, its content root.
  const bool dotnet =
      fs::path(argv[0]).filename() == "dotnet" && argv.size() > 1 && ends_with(argv[1], ".dll");
  if (dotnet) {
    const fs::path dll = argv[1];
    const fs::path folder = dll.has_parent_path() ? dll.parent_path() : fs::path(".");
    cwd = from_scenario(folder, r);
    argv[1] = dll.filename().string();
  }
  if (http) {
    const auto urls = std::find(argv.begin(), argv.end(), "--urls");
    if (urls == argv.end()) {
      argv.insert(argv.end(), {"--urls", kBase});
    } else if (urls + 1 == argv.end()) {
      argv.emplace_back(kBase);
    } else {
      *(urls + 1) = kBase;
    }
  }
  ordered_json launch = ordered_json::object();
  launch["argv"] = argv;
  if (!cwd.empty()) launch["cwd"] = cwd;
  if (http) launch["protocol"] = false;
  ordered_json round_trip = ordered_json::array();
  for (const auto& path : r.get_paths) round_trip.push_back(http_step("GET", path, ""));
  for (const auto& path : r.post_paths) round_trip.push_back(http_step("POST", path, r.post_body));
  for (const auto& command : r.commands) round_trip.push_back({{"command", command}});
  ordered_json m = ordered_json::object();
  if (r.schema) m["$schema"] = schema_path(*r.schema, r.scenario_dir);
  m["description"] = "Made by leakgate init: say what a round trip does and what must not stay.";
  m["expect"] = "pass";
  m["launch"] = launch;
  if (http)
    m["ready"] =
        ordered_json::array({{{"waitForPort", {{"port", "${port}"}}}, {"timeoutSeconds", 60}}});
  m["warmup"] = ordered_json::array({{{"repeat", {{"times", 5}, {"steps", round_trip}}}}});
  m["iteration"] = round_trip;
  m["iterations"] = r.iterations;
  return m;
}

}  // namespace leakgate
