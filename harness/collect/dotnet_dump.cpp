#include "collect/dotnet_dump.h"

#include <unistd.h>

#include <cstdlib>

#include "common/errors.h"
#include "common/text_lines.h"
#include "process/child_process.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

std::optional<fs::path> on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string_view rest(path);
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const fs::path dir(std::string(rest.substr(0, colon)));
    const fs::path candidate = dir / program;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

std::optional<fs::path> find_tool_manifest_dir(fs::path from) {
  std::error_code ec;
  from = fs::absolute(from, ec);
  for (fs::path dir = from; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".config" / "dotnet-tools.json", ec) ||
        fs::exists(dir / "dotnet-tools.json", ec)) {
      return dir;
    }
    if (dir == dir.parent_path()) break;
  }
  return std::nullopt;
}

std::optional<fs::path> find_tool_manifest_dir_any(const std::vector<fs::path>& starts) {
  for (const auto& start : starts) {
    if (auto dir = find_tool_manifest_dir(start)) return dir;
  }
  return std::nullopt;
}

// Runs `<prefix> --version`; returns the version, or the reason it failed.
std::pair<bool, std::string> probe(const DotnetDumpCommand& cmd) {
  SpawnSpec spec;
  spec.argv = cmd.prefix;
  spec.argv.emplace_back("--version");
  spec.cwd = cmd.cwd;
  try {
    const ToolRun run = run_to_completion(spec, Deadline(std::chrono::seconds(120)));
    if (run.status.success()) return {true, std::string(text::trim(run.out))};
    return {false, render_argv(spec.argv) + " failed (" + run.status.describe() +
                       "): " + std::string(text::trim(run.err + run.out))};
  } catch (const SpawnError& e) {
    return {false, e.what()};
  }
}

}  // namespace

DotnetDumpCommand locate_dotnet_dump(const std::string& explicit_path,
                                     const std::vector<fs::path>& search_from) {
  DotnetDumpCommand cmd;
  std::string path = explicit_path;
  if (path.empty()) {
    if (const char* env = std::getenv("LEAKGATE_DOTNET_DUMP")) path = env;
  }
  if (!path.empty()) {
    cmd.prefix = {path};
    cmd.origin = path;
  } else if (auto found = on_path("dotnet-dump")) {
    cmd.prefix = {found->string()};
    cmd.origin = found->string();
  } else if (auto dir = find_tool_manifest_dir_any(search_from)) {
    cmd.prefix = {"dotnet", "tool", "run", "dotnet-dump", "--"};
    cmd.cwd = *dir;
    cmd.origin = "dotnet local tool (" + dir->string() + ")";
  } else {
    throw ToolError(
        "dotnet-dump not found: not on PATH, no LEAKGATE_DOTNET_DUMP, and no dotnet tool manifest "
        "(.config/dotnet-tools.json) above the scenarios folder or the working directory; "
        "run `dotnet tool restore` in the repo");
  }
  auto [ok, detail] = probe(cmd);
  if (!ok) {
    throw ToolError(
        "dotnet-dump (" + cmd.origin + ") does not run: " + detail +
        (cmd.cwd.empty() ? "" : "\n  run `dotnet tool restore` in " + cmd.cwd.string()));
  }
  cmd.version = detail;
  return cmd;
}

}  // namespace leakgate
