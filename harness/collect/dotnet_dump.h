#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace leakgate {

// How to invoke dotnet-dump: an explicit path, the one on PATH, or the local tool pinned in a
// .config/dotnet-tools.json manifest (`dotnet tool run dotnet-dump`, run from the manifest's
// folder).
struct DotnetDumpCommand {
  std::vector<std::string> prefix;  // argv before the subcommand
  std::filesystem::path cwd;        // empty: any
  std::string version;
  std::string origin;  // how it was found, for the report
};

// Finds dotnet-dump and checks that it runs (`--version`). Throws ToolError with what to do when
// it is not there. `explicit_path` (from --dotnet-dump or LEAKGATE_DOTNET_DUMP) wins when set.
DotnetDumpCommand locate_dotnet_dump(const std::string& explicit_path,
                                     const std::vector<std::filesystem::path>& search_from);

}  // namespace leakgate
