#include "pipeline/settler.h"

#include <fstream>
#include <optional>

#include "collect/proc_parsers.h"
#include "common/errors.h"
#include "runtime/diagnostics_ipc.h"
#include "scenario/protocol.h"

namespace leakgate {

namespace {

struct Reading {
  std::optional<std::uint64_t> heap_bytes;
  std::optional<std::uint64_t> rss_kb;
};

std::optional<std::uint64_t> resident_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return parse_status_kb(text, "Rss");
  } catch (const ParseError&) {
    return std::nullopt;
  }
}

Reading read(const std::string& reply, pid_t pid) {
  Reading r;
  r.rss_kb = resident_kb(pid);
  if (reply.empty()) return r;
  const auto facts = protocol::parse_facts(reply);
  // promotedBytes (what survived the full collection) is steadier than heapBytes, which also
  // counts the allocation context the settle itself used.
  for (const char* key : {"promotedBytes", "heapBytes"}) {
    const auto it = facts.find(key);
    if (it == facts.end()) continue;
    try {
      r.heap_bytes = std::stoull(it->second);
      break;
    } catch (const std::exception&) {
    }
  }
  return r;
}

bool close(const std::optional<std::uint64_t>& a, const std::optional<std::uint64_t>& b,
           std::uint64_t tolerance) {
  if (!a || !b) return true;  // nothing to compare on this axis
  return (*a > *b ? *a - *b : *b - *a) <= tolerance;
}

std::string describe(const std::vector<Reading>& readings) {
  std::string heap, rss;
  for (const auto& r : readings) {
    if (r.heap_bytes) heap += (heap.empty() ? "" : ", ") + std::to_string(*r.heap_bytes);
    if (r.rss_kb) rss += (rss.empty() ? "" : ", ") + std::to_string(*r.rss_kb);
  }
  return (heap.empty() ? "" : "live heap bytes " + heap + "; ") + "resident KB " + rss;
}

}  // namespace

SettleResult settle_until_stable(ScenarioSession& session, const Manifest& m, bool dotnet) {
  SettleResult result;
  if (m.settle.method == SettleMethod::kLiveOnly) {
    result.settled_by = "not settled (settle.method live-only): live objects only";
    result.live_only = true;
    return result;
  }
  if (m.settle.method == SettleMethod::kInducedGc && !dotnet) {
    result.settled_by = "not settled: no .NET runtime to collect and no protocol to ask";
    return result;
  }
  const bool induced = m.settle.method == SettleMethod::kInducedGc;
  const Deadline deadline = Deadline::after_seconds(m.timeouts.settle_seconds);
  std::vector<Reading> readings;
  while (true) {
    if (induced) {
      diagnostics::induce_full_gc(session.pid(), deadline);
    } else {
      result.reply = session.settle();
    }
    ++result.rounds;
    readings.push_back(read(result.reply, session.pid()));
    if (readings.size() >= 2) {
      const Reading& a = readings[readings.size() - 2];
      const Reading& b = readings.back();
      if (close(a.heap_bytes, b.heap_bytes, m.settle.heap_tolerance_bytes) &&
          close(a.rss_kb, b.rss_kb, m.settle.rss_tolerance_kb)) {
        break;
      }
    }
    if (result.rounds >= m.settle.max_rounds || deadline.expired()) {
      throw ScenarioError("scenario '" + m.name + "': the app did not settle: " +
                          std::to_string(result.rounds) + (induced ? " induced GCs" : " settles") +
                          ", no two consecutive readings agreed (" + describe(readings) +
                          "). Something keeps allocating between settles: stop background work "
                          "before checkpoints, or widen settle.heapToleranceBytes / "
                          "settle.rssToleranceKb in " +
                          m.file.string());
    }
  }
  result.settled_by =
      induced ? "induced full blocking GC over the diagnostics IPC, " +
                    std::to_string(result.rounds) + " rounds"
              : "the app's settle command, " + std::to_string(result.rounds) + " rounds";
  return result;
}

}  // namespace leakgate
