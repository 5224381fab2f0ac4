#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "collect/collector.h"
#include "collect/memory_classifier.h"

namespace leakgate {

// How long a read waits for a thread that is running to block, for its stack pointer (a stack
// is found by the stack pointer of its thread). kUntilBlocked asks a running thread again for up
// to 50 ms, in case its stack comes out as other data; kNow does not wait, where the memory
// summary is only reported (verdict.judgeMemory false: a leak test's host, whose threads the
// test runner keeps busy).
enum class StackWait { kUntilBlocked, kNow };

// Reads /proc/PID/smaps, /proc/PID/status and each thread's /proc/PID/task/TID/syscall (for its
// stack pointer). Throws ToolError when the process cannot be read. The raw smaps and status
// text are handed back when asked for.
ProcessMemory read_process_memory(pid_t pid, std::string* smaps_text = nullptr,
                                  std::string* status_text = nullptr,
                                  StackWait stack_wait = StackWait::kUntilBlocked);

// What the memory summary takes from a process besides smaps and status (page size, threads,
// stack pointers, idle stack pages), kept as <label>.memory-inputs.json with the raw output.
nlohmann::json memory_inputs_to_json(const ProcessMemory& process);

// The ProcessMemory of a recorded checkpoint: its smaps and status text, and its memory inputs
// (null for a run recorded without them: stacks are then counted whole). ParseError on bad input.
ProcessMemory recorded_process_memory(std::string_view smaps, std::string_view status,
                                      const nlohmann::json* inputs);

// The memory summary (vadump view) of any process, .NET or not. Saves the raw smaps and status
// beside the report, with the memory inputs, where memory is judged (verdict.judgeMemory).
class MemoryCollector : public Collector {
 public:
  std::string_view name() const override { return "memory"; }
  std::string_view activity() const override { return "memory summary from /proc"; }
  bool applies_to(const RuntimeFacts&) const override { return true; }
  void collect(const CollectRequest& request, Checkpoint& into) override;
};

}  // namespace leakgate
