#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "collect/collector.h"
#include "collect/heap_engine.h"
#include "collect/sos_collector.h"

namespace leakgate {

// Heap statistics from leakgate's heap engine (ClrMD, harness/heap-engine): the engine attaches to
// the app right after it settled, walks its heap in one pass and detaches; no file is written.
// Where a dump is wanted anyway (the final checkpoint, whose dump the retention analysis reads, or
// --keep-dumps) the runtime writes it afterwards (dotnet-dump collect). Where attaching is refused
// (Yama ptrace_scope 2 or 3, no CAP_SYS_PTRACE; under scope 1 the app names leakgate as its
// ptracer, see ChildProcess) every checkpoint is read from a dump, and the report says so. The
// engine is started as the scenario's app starts (begin) and stopped with the collector. What the
// engine cannot do yet (counting only live objects of an unsettled app) goes to SOS on the dump.
class EngineCollector : public Collector {
 public:
  explicit EngineCollector(ToolSettings settings);
  std::string_view name() const override { return "engine"; }
  std::string_view activity() const override { return "heap statistics (heap engine)"; }
  bool applies_to(const RuntimeFacts& runtime) const override { return sos_.applies_to(runtime); }
  std::string_view skip_reason() const override { return sos_.skip_reason(); }
  // Starts the engine's process: its runtime starts while the app's steps run.
  void begin(const CollectRequest& request) override;
  std::optional<std::string> prepare(const CollectRequest& request) override;
  void collect(const CollectRequest& request, Checkpoint& into) override;
  void keep_dump(const CollectRequest& request, Checkpoint& checkpoint) override {
    sos_.keep_dump(request, checkpoint);
  }
  std::map<std::string, Retention> explain(const Checkpoint& checkpoint,
                                           const std::vector<std::string>& types,
                                           const RetentionCaps& caps,
                                           const std::filesystem::path& raw_dir) override {
    return sos_.explain(checkpoint, types, caps, raw_dir);
  }
  // open the checkpoint's dump, leaks, close; the reply is saved as raw output.
  std::optional<LeakAnalysis> find_leaks(const Checkpoint& checkpoint, const LeakQuery& query,
                                         const std::filesystem::path& raw_dir) override;
  // Attached (open, gc, close): nullopt where attaching is refused.
  bool census(const CollectRequest& request) override;
  std::optional<GcHeapSummary> gc_now(const CollectRequest& request) override;
  std::map<std::string, std::string> tool_versions() const override;

 private:
  HeapEngine& engine(const CollectRequest& request);
  // A new engine process (the one before stopped); its hello is read at its first use.
  void start_engine(const CollectRequest& request);
  // read_once until the heap can be walked (the process was not stopped in the middle of a
  // garbage collection), a few times with a growing pause.
  void read_walkable(const CollectRequest& request, Checkpoint& into);
  // The live process, or a dump the runtime writes (retain_dump, or attaching refused).
  void read_once(const CollectRequest& request, Checkpoint& into);
  // open (the process or the dump), `op`, close; the engine lets go of the process on any error.
  HeapEngine::Answer ask_opened(const CollectRequest& request, const nlohmann::json& open,
                                const std::string& op);
  // open, each (op, fields) in turn, close: the answers in order.
  static std::vector<HeapEngine::Answer> ask_opened(
      HeapEngine& e, const nlohmann::json& open,
      const std::vector<std::pair<std::string, nlohmann::json>>& ops, Deadline deadline, pid_t pid);
  // open (the process or the dump), heapstat, close; the reply is saved as raw output.
  void read_heap(const CollectRequest& request, const nlohmann::json& open, Checkpoint& into);

  ToolSettings settings_;
  SosCollector sos_;
  std::unique_ptr<HeapEngine> engine_;
  std::string engine_version_;
  bool attach_refused_ = false;
  bool begun_ = false;  // begin started this scenario's engine
  // The checkpoint at which a census of where objects hang was taken (kept by the engine), or
  // empty: the leaks are then the objects in places that gained some since.
  std::string census_label_;
};

}  // namespace leakgate
