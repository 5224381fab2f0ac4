#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collect/retention_analyzer.h"
#include "model/leak.h"
#include "model/retention.h"
#include "model/snapshot.h"

namespace leakgate {

// What a collector needs to measure one checkpoint of one process.
struct CollectRequest {
  pid_t pid = 0;
  std::string label;                      // checkpoint label, used in file names
  const RuntimeFacts* runtime = nullptr;  // from the handshake
  std::filesystem::path raw_dir;          // raw tool output is saved here (kept with the report)
  std::filesystem::path temp_dir;         // private scratch space, removed after the scenario
  double timeout_seconds = 300;           // per tool run
  std::map<std::string, std::string> tool_env;  // environment the tools must share with the app
  // Leave the dump in temp_dir (for explain(), or to be kept with the report); the temp dir's
  // owner deletes what nobody keeps.
  bool retain_dump = false;
  bool live_only = false;  // the app was not settled: count only reachable objects
  // The memory summary is judged (verdict.judgeMemory): reading the heap first must not show as
  // its growth
  bool memory_judged = true;
  // Count where the objects hang as the heap is read (the census a leak's new objects are told
  // by; the heap engine only)
  bool census = false;
};

// One source of measurements. A collector fills its part of the checkpoint and never decides a
// verdict. Failures are ToolError (the tool is missing or failed).
class Collector {
 public:
  virtual ~Collector() = default;
  virtual std::string_view name() const = 0;
  // What it does, for progress lines ("heap dump and SOS").
  virtual std::string_view activity() const { return name(); }
  // Whether this collector can measure the process (SOS needs a .NET runtime).
  virtual bool applies_to(const RuntimeFacts& runtime) const = 0;
  // Said in the report when applies_to is false.
  virtual std::string_view skip_reason() const { return "it does not apply to this process"; }
  virtual void collect(const CollectRequest& request, Checkpoint& into) = 0;
  // Called once per scenario as soon as the app runs (before its ready and warm-up steps) where
  // the collector applies already: what takes long to start can start then.
  virtual void begin(const CollectRequest&) {}
  // Called once per scenario before its first checkpoint. Returns a note for the report when it
  // did something a reader should know of.
  virtual std::optional<std::string> prepare(const CollectRequest&) { return std::nullopt; }
  // Leaves a dump of the process for explain() at a checkpoint already collected whose collect()
  // kept none (no dump_file). Called once, after the last checkpoint: a dump makes pages
  // of the process resident, which a checkpoint measured after it would count as growth.
  virtual void keep_dump(const CollectRequest& /*request*/, Checkpoint& /*checkpoint*/) {}
  // What keeps the instances of these types alive at the checkpoint (retention paths), when the
  // collector can tell: only SOS can. Never a verdict.
  virtual std::map<std::string, Retention> explain(const Checkpoint&,
                                                   const std::vector<std::string>&,
                                                   const RetentionCaps&,
                                                   const std::filesystem::path& /*raw_dir*/) {
    return {};
  }
  // The leaks of the growing types at a checkpoint whose dump was kept (grouped by where they
  // hang, with their paths and what they retain), when the collector can tell: the heap engine
  // can; nullopt where it cannot (explain() is then asked). Never a verdict.
  virtual std::optional<LeakAnalysis> find_leaks(const Checkpoint& /*checkpoint*/,
                                                 const LeakQuery& /*query*/,
                                                 const std::filesystem::path& /*raw_dir*/) {
    return std::nullopt;
  }
  // What the GC holds now (its allocated and committed bytes, its segments), read without walking
  // the heap, for settling; nullopt where the collector cannot tell cheaply. Called after prepare.
  virtual std::optional<GcHeapSummary> gc_now(const CollectRequest&) { return std::nullopt; }
  // Counts where the objects hang now, named after request.label, for find_leaks (retention.census
  // "onGrowth": at a checkpoint already collected); false where the collector cannot.
  virtual bool census(const CollectRequest& /*request*/) { return false; }
  // Name and version of each external tool it used so far, for the report.
  virtual std::map<std::string, std::string> tool_versions() const { return {}; }
};

// What reads the managed heap: leakgate's heap engine (ClrMD), or SOS through dotnet-dump.
enum class HeapReader { kEngine, kSos };

struct ToolSettings {
  HeapReader heap_reader = HeapReader::kEngine;
  std::string heap_engine;  // explicit path of the engine; empty: beside leakgate
  std::string dotnet_dump;  // explicit path; empty: look it up
  // Where to look for a dotnet local tool manifest (each folder and its parents, in order).
  std::vector<std::filesystem::path> tool_search_from;
};

// The table of collectors, in the order they run at a checkpoint.
std::vector<std::unique_ptr<Collector>> make_collectors(const ToolSettings& settings);

}  // namespace leakgate
