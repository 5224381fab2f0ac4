#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/heap_stats.h"
#include "scenario/manifest.h"
#include "scenario/session.h"

namespace leakgate {

struct SettleResult {
  int rounds = 0;
  std::string reply;       // the app's last settle reply (empty for other methods)
  std::string settled_by;  // for the report: how the checkpoint was settled
  bool live_only = false;  // nothing settled the heap: count only reachable objects
};

// The resident memory of `pid` (smaps_rollup Rss), nullopt when it cannot be read.
std::optional<std::uint64_t> resident_kb(pid_t pid);

// Which way a series of readings moved, by more than `tolerance` between neighbours (pure).
enum class Trend { kFlat, kRising, kFalling, kBoth };
Trend settle_trend(const std::vector<std::uint64_t>& readings, std::uint64_t tolerance);

// What the GC holds now (the heap engine's gc op), or nullopt where it cannot be read cheaply.
using GcReader = std::function<std::optional<GcHeapSummary>()>;

// Brings the app's heap to rest by the manifest's settle.method, again and again until two
// consecutive measurements agree within the manifest's settle tolerances: the app's own heap
// figure (promotedBytes= or heapBytes= in a settle reply, when it gives one) and the process's
// resident memory (smaps_rollup Rss). Bounded by settle.maxRounds and timeouts.settleSeconds; an
// app that never settles is a ScenarioError that shows the readings. `dotnet`: the process runs a
// .NET runtime (an induced GC needs one; a native app without the protocol is not settled).
// Where memory is not judged, a settle that collected twice (firstPromotedBytes= beside
// promotedBytes=) counts as two consecutive readings of the app's heap figure: one round can do.
// Readings that fall monotonically are converging (a process giving memory back after a spike):
// settling goes on past settle.maxRounds while they do, until timeouts.settleSeconds.
// With `gc_now` (a .NET process the heap engine can attach to), the readings are what the GC
// reports instead: its allocated bytes (with the heap tolerance), and the resident memory outside
// its committed bytes (with the RSS tolerance): memory the GC keeps or returns on its own schedule
// is neither waited for nor judged.
SettleResult settle_until_stable(ScenarioSession& session, const Manifest& manifest, bool dotnet,
                                 const GcReader& gc_now = {});

}  // namespace leakgate
