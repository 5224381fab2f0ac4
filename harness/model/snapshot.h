#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/heap_stats.h"

namespace leakgate {

// What the scenario app said about its runtime in the protocol handshake.
struct RuntimeFacts {
  std::string app;
  int protocol_version = 0;
  std::map<std::string, std::string> facts;  // runtime, gc, concurrent, datas, arch, ...
};

// Raw tool output kept beside the report, relative to the scenario's report folder.
struct RawArtifact {
  std::string label;  // e.g. "dotnet-dump analyze"
  std::string path;
};

// Everything measured at one checkpoint of a scenario.
struct Checkpoint {
  std::string label;  // "warmup" or "final"
  int iteration = 0;  // round trips completed when it was taken
  std::string settle_reply;
  std::optional<HeapStats> heap;
  std::optional<GcHeapSummary> gc_heap;
  std::vector<RawArtifact> raw;
  std::optional<std::string> kept_dump;  // absolute path when dumps are kept
};

}  // namespace leakgate
