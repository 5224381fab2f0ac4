#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace leakgate {

// What `leakgate init` knows of an app that knows nothing of leakgate: how to start it and which
// requests make a round trip.
struct ScaffoldRequest {
  std::vector<std::string> argv;        // as the user starts the app (paths from `from`)
  std::vector<std::string> get_paths;   // --get PATH
  std::vector<std::string> post_paths;  // --post PATH
  std::string post_body = "{}";         // --body, sent with every POST
  std::vector<std::string> commands;    // --command NAME: protocol commands instead of HTTP
  int iterations = 20;
  std::filesystem::path from;                   // the folder the argv's relative paths start from
  std::filesystem::path scenario_dir;           // where scenario.json goes
  std::optional<std::filesystem::path> schema;  // schemas/scenario.schema.json, when found
};

// A manifest for the app (pure: reads nothing). An ASP.NET Core app (one driven over HTTP) gets
// `--urls http://127.0.0.1:${port}` (its own --urls value replaced), a `waitForPort` ready step,
// and, when it is started as `dotnet App.dll`, `launch.cwd` the folder of App.dll (its content
// root: where appsettings.json is); the warm-up is the round trip five times over (one repeat).
// Paths in the manifest are relative to the scenario folder. Throws UsageError when there is no
// round trip to make.
nlohmann::ordered_json scaffold_manifest(const ScaffoldRequest& request);

}  // namespace leakgate
