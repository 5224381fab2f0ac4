#include "cli/engine_heap.h"

#include <csignal>

#include "common/errors.h"

namespace leakgate {

namespace {

constexpr double kStartSeconds = 60;
constexpr auto kReadBudget = std::chrono::minutes(30);

}  // namespace

EngineHeap::EngineHeap(int pid, const ToolSettings& tools)
    : pid_(pid), tools_(tools), temp_("leakgate-heap") {
  if (pid <= 0 || ::kill(pid, 0) != 0) {
    throw UsageError("--pid " + std::to_string(pid) + ": no such process");
  }
  engine_ = std::make_unique<HeapEngine>(locate_heap_engine(tools.heap_engine), temp_.path(),
                                         kStartSeconds);
  try {
    send("open", {{"pid", pid}});
    how_ = "attached to the live process";
  } catch (const EngineError& e) {
    if (e.kind() != "attach-refused") throw;
    how_ = "from a heap dump (attaching is refused: " + std::string(e.what()) + ")";
    open_dump();
  }
}

EngineHeap::~EngineHeap() {
  const bool attached = dump_ == nullptr;
  try {
    if (engine_->usable()) send("close", nlohmann::json::object());
  } catch (...) {  // NOLINT(bugprone-empty-catch): the engine is stopped below either way
  }
  engine_.reset();
  // An engine that failed while attached leaves the process in the stop of the attach.
  if (attached) ::kill(pid_, SIGCONT);
}

void EngineHeap::open_dump() {
  dump_.reset();
  dump_ = std::make_unique<LiveDump>(pid_, tools_.dotnet_dump);
  send("open", {{"dump", dump_->path().string()}});
}

HeapEngine::Answer EngineHeap::request(const std::string& op, const nlohmann::json& fields) {
  bool open = true;
  return read_when_walkable(Deadline(kReadBudget), "leakgate " + op, [&] {
    if (!open) {
      if (dump_ == nullptr) {
        send("open", {{"pid", pid_}});
      } else {
        open_dump();
      }
      open = true;
    }
    try {
      return send(op, fields);
    } catch (const EngineError& e) {
      // Let the process finish its collection (or throw the dump taken in the middle of it
      // away) before the next attempt.
      if (e.kind() == "heap-not-walkable" && engine_->usable()) {
        send("close", nlohmann::json::object());
        open = false;
      }
      throw;
    }
  });
}

HeapEngine::Answer EngineHeap::send(const std::string& op, nlohmann::json fields) {
  try {
    return engine_->request(op, std::move(fields), Deadline(kReadBudget));
  } catch (const EngineError&) {
    if (dump_ == nullptr && !engine_->usable()) ::kill(pid_, SIGCONT);
    throw;
  }
}

}  // namespace leakgate
