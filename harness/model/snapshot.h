#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/heap_stats.h"
#include "model/memory_summary.h"

namespace leakgate {

// The handshake facts that describe the environment a measurement was taken in: recorded with a
// baseline, compared on every run.
inline constexpr std::array<const char*, 10> kFingerprintKeys = {
    "runtime",     "kind",
    "gc",          "gcHeaps",
    "concurrent",  "datas",
    "gcHardLimit", "tieredCompilation",
    "arch",        "containerMemoryLimit"};

// What the scenario app said about its runtime in the protocol handshake.
struct RuntimeFacts {
  int protocol_version = 0;
  std::map<std::string, std::string> facts;  // runtime, gc, concurrent, datas, arch, ...
};

// Raw tool output kept beside the report, relative to the scenario's report folder.
struct RawArtifact {
  std::string label;  // e.g. "dotnet-dump analyze"
  std::string path;
};

// The label prefix of the checkpoints a run adds after its final one, when one step carries most of
// some growth and only another stretch tells a leak from a one-off step: "extended-27".
inline constexpr std::string_view kExtendedLabel = "extended-";
inline constexpr std::string_view kWarmupLabel = "warmup";

// Everything measured at one checkpoint of a scenario.
struct Checkpoint {
  std::string label;         // "warmup", "iteration-N", "final" or "extended-N"
  int iteration = 0;         // round trips completed when it was taken
  std::string settle_reply;  // the app's reply to the last settle
  int settle_rounds = 0;     // settles it took until two measurements agreed
  std::string settled_by;    // how: the app's settle, an induced GC, or not at all (live only)
  std::optional<HeapStats> heap;
  std::optional<GcHeapSummary> gc_heap;
  std::optional<MemorySummary> memory;
  std::optional<Reconciliation> reconciliation;  // when both memory and gc_heap were taken
  std::vector<RawArtifact> raw;
  // Where the checkpoint's dump is while the scenario runs (in its private temp dir, or kept),
  // for the retention analysis after the verdict; not reported.
  std::optional<std::string> dump_file;
};

}  // namespace leakgate
