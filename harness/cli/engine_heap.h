#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/live_dump.h"
#include "collect/collector.h"
#include "collect/heap_engine.h"
#include "process/temp_dir.h"

namespace leakgate {

// The heap of a running process for the by-hand commands, read by the heap engine: attached to
// the process (which is paused until this goes out of scope), or where attaching is refused
// (ptrace not allowed), from a heap dump written by the runtime into a private temp dir and
// deleted. The engine's logs go to that temp dir too.
class EngineHeap {
 public:
  // Throws UsageError when the process does not exist, ToolError (EngineError) when the engine
  // cannot start or read it.
  EngineHeap(int pid, const ToolSettings& tools);
  ~EngineHeap();
  EngineHeap(const EngineHeap&) = delete;
  EngineHeap& operator=(const EngineHeap&) = delete;

  // A heap request (heapstat, roots); where the process was stopped in the middle of a garbage
  // collection, the engine lets go of it and reads it again (read_when_walkable).
  HeapEngine::Answer request(const std::string& op, const nlohmann::json& fields);
  // "attached to the live process" or "from a heap dump (attaching is refused: ...)"
  const std::string& how() const { return how_; }

 private:
  HeapEngine::Answer send(const std::string& op, nlohmann::json fields);
  // A fresh dump of the process (the last one deleted), opened by the engine.
  void open_dump();

  int pid_;
  ToolSettings tools_;
  TempDir temp_;
  std::unique_ptr<HeapEngine> engine_;
  std::unique_ptr<LiveDump> dump_;
  std::string how_;
};

}  // namespace leakgate
