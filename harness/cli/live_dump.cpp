#include "cli/live_dump.h"

#include <csignal>

#include "collect/sos_session.h"
#include "common/errors.h"

namespace leakgate {

LiveDump::LiveDump(int pid, const std::string& dotnet_dump)
    : tool_([&] {
        if (pid <= 0 || ::kill(pid, 0) != 0) {
          throw UsageError("--pid " + std::to_string(pid) + ": no such process");
        }
        return locate_dotnet_dump(dotnet_dump, {std::filesystem::current_path()});
      }()),
      temp_("leakgate-dump"),
      path_(temp_.path() / "heap.dmp") {
  collect_heap_dump(tool_, pid, path_, Deadline(std::chrono::minutes(10)),
                    temp_.path() / "collect.txt");
}

}  // namespace leakgate
