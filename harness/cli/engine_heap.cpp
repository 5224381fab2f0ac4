#include "cli/engine_heap.h"

#include <csignal>

#include "common/errors.h"

namespace leakgate {

namespace {

constexpr double kStartSeconds = 60;
constexpr auto kReadBudget = std::chrono::minutes(30);

}  // namespace

EngineHeap::EngineHeap(int pid, const ToolSettings& tools) : pid_(pid), temp_("leakgate-heap") {
  if (pid <= 0 || ::kill(pid, 0) != 0) {
    throw UsageError("--pid " + std::to_string(pid) + ": no such process");
  }
  engine_ = std::make_unique<HeapEngine>(locate_heap_engine(tools.heap_engine), temp_.path(),
                                         kStartSeconds);
  try {
    request("open", {{"pid", pid}});
    how_ = "attached to the live process";
  } catch (const EngineError& e) {
    if (e.kind() != "attach-refused") throw;
    dump_ = std::make_unique<LiveDump>(pid, tools.dotnet_dump);
    request("open", {{"dump", dump_->path().string()}});
    how_ = "from a heap dump (attaching is refused: " + std::string(e.what()) + ")";
  }
}

EngineHeap::~EngineHeap() {
  const bool attached = dump_ == nullptr;
  try {
    if (engine_->usable())
      engine_->request("close", nlohmann::json::object(), Deadline(kReadBudget));
  } catch (...) {  // NOLINT(bugprone-empty-catch): the engine is stopped below either way
  }
  engine_.reset();
  // An engine that failed while attached leaves the process in the stop of the attach.
  if (attached) ::kill(pid_, SIGCONT);
}

HeapEngine::Answer EngineHeap::request(const std::string& op, nlohmann::json fields) {
  try {
    return engine_->request(op, std::move(fields), Deadline(kReadBudget));
  } catch (const EngineError&) {
    if (dump_ == nullptr && !engine_->usable()) ::kill(pid_, SIGCONT);
    throw;
  }
}

}  // namespace leakgate
