#pragma once

#include <sys/types.h>

#include <string>

#include "collect/collector.h"
#include "collect/memory_classifier.h"

namespace leakgate {

// Reads /proc/PID/smaps, /proc/PID/status and each thread's /proc/PID/task/TID/syscall (for its
// stack pointer). Throws ToolError when the process cannot be read. The raw smaps and status
// text are handed back when asked for.
ProcessMemory read_process_memory(pid_t pid, std::string* smaps_text = nullptr,
                                  std::string* status_text = nullptr);

// The memory summary (vadump view) of any process, .NET or not. Saves the raw smaps and status
// beside the report.
class MemoryCollector : public Collector {
 public:
  std::string_view name() const override { return "memory"; }
  std::string_view activity() const override { return "memory summary from /proc"; }
  bool applies_to(const RuntimeFacts&) const override { return true; }
  void collect(const CollectRequest& request, Checkpoint& into) override;
};

}  // namespace leakgate
