#pragma once

#include <filesystem>
#include <string>

#include "collect/dotnet_dump.h"
#include "process/temp_dir.h"

namespace leakgate {

// A heap dump of a running process for the by-hand commands: taken into a private temp dir,
// deleted (with the tools' output) when this goes out of scope. The process keeps running.
class LiveDump {
 public:
  // Throws UsageError when the process does not exist, ToolError when the dump fails.
  LiveDump(int pid, const std::string& dotnet_dump);
  const DotnetDumpCommand& tool() const { return tool_; }
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& work_dir() const { return temp_.path(); }

 private:
  DotnetDumpCommand tool_;
  TempDir temp_;
  std::filesystem::path path_;
};

}  // namespace leakgate
