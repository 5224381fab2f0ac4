#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "collect/dotnet_dump.h"
#include "common/deadline.h"

namespace leakgate {

// One `dotnet-dump analyze DUMP -c CMD ... -c exit` session. What the tool printed is saved to
// `raw_file` (with the command line and exit status) and returned. Throws ToolError when the tool
// fails or the deadline passes.
std::string run_sos_session(const DotnetDumpCommand& tool, const std::filesystem::path& dump,
                            const std::vector<std::string>& commands, Deadline deadline,
                            const std::filesystem::path& raw_file,
                            const std::map<std::string, std::string>& env = {});

// `dotnet-dump collect -p PID --type Heap -o DUMP`; the tool's output is saved to `raw_file`.
// Throws ToolError when it fails (the message says what the tool printed).
void collect_heap_dump(const DotnetDumpCommand& tool, int pid, const std::filesystem::path& dump,
                       Deadline deadline, const std::filesystem::path& raw_file,
                       const std::map<std::string, std::string>& env = {});

}  // namespace leakgate
