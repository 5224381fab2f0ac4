#include "pipeline/settler.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <thread>

#include "collect/memory_classifier.h"
#include "collect/memory_collector.h"
#include "collect/proc_parsers.h"
#include "common/errors.h"
#include "model/judged_memory.h"
#include "runtime/diagnostics_ipc.h"
#include "scenario/protocol.h"

namespace leakgate {

namespace {

struct Reading {
  std::optional<std::uint64_t> heap_bytes;  // the app's own figure (its settle reply)
  std::optional<std::uint64_t> rss_kb;
  // What the GC says (the heap engine): its allocated and committed bytes, and with them the
  // memory the verdict judges of a .NET process (resident memory the GC does not own).
  std::optional<std::uint64_t> gc_allocated;
  std::optional<std::uint64_t> gc_committed;
  std::optional<std::uint64_t> judged_kb;
  // What settling compares: the judged memory where the GC says what it owns (it keeps memory or
  // gives it back on its own schedule, and that memory is not judged), else all resident memory.
  std::optional<std::uint64_t> memory_kb() const { return judged_kb ? judged_kb : rss_kb; }
};

// A byte count of a settle reply (key=N), or none.
std::optional<std::uint64_t> reply_bytes(const std::string& reply, const char* key) {
  if (reply.empty()) return std::nullopt;
  const auto facts = protocol::parse_facts(reply);
  const auto it = facts.find(key);
  if (it == facts.end()) return std::nullopt;
  try {
    return std::stoull(it->second);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The app's own figure of its live heap, from its settle reply (none without one): promotedBytes
// (what survived the full collection) is steadier than heapBytes, which also counts the
// allocation context the settle itself used.
std::optional<std::uint64_t> app_heap_bytes(const std::string& reply) {
  if (auto promoted = reply_bytes(reply, "promotedBytes")) return promoted;
  return reply_bytes(reply, "heapBytes");
}

// One round's reading. Where memory is not judged (verdict.judgeMemory false: a leak test), the
// app's own figure of its heap is all settling compares when it gives one (no /proc, no engine).
Reading read(const std::string& reply, pid_t pid, const GcReader& gc_now, bool memory_judged) {
  Reading r;
  r.heap_bytes = app_heap_bytes(reply);
  if (!memory_judged && r.heap_bytes) return r;
  if (memory_judged) r.rss_kb = resident_kb(pid);
  if (gc_now) {
    if (auto gc = gc_now()) {
      r.gc_allocated = gc->allocated_bytes;
      r.gc_committed = gc->committed_bytes;
      if (memory_judged) {
        // The memory summary as a checkpoint takes it, split by owner as the verdict judges it.
        Checkpoint scratch;
        scratch.memory = classify_memory(read_process_memory(pid));
        scratch.gc_heap = std::move(*gc);
        attribute_runtime_memory(scratch);
        if (memory_split(scratch)) r.judged_kb = judged_total_kb(scratch);
      }
    }
  }
  return r;
}

// The GC's allocated bytes also count what the process allocated since the collection (its
// timers, the diagnostics session that induced it: about 8 KiB a round seen on ASP.NET Core) and
// the allocation contexts handed to threads (8 KiB each: an idle app's reading alternates by one),
// so they get the heap tolerance, 64 KiB, or 1/64 of the heap, whichever is most.
std::uint64_t gc_allocated_tolerance(const Reading& r, const Manifest& m) {
  constexpr std::uint64_t kAllocationContexts = 64ULL * 1024;
  return std::max(
      {m.settle.heap_tolerance_bytes, kAllocationContexts, r.gc_allocated.value_or(0) / 64});
}

bool close(const std::optional<std::uint64_t>& a, const std::optional<std::uint64_t>& b,
           std::uint64_t tolerance) {
  if (!a || !b) return true;  // nothing to compare on this axis
  return (*a > *b ? *a - *b : *b - *a) <= tolerance;
}

// b lower than a by more than the tolerance (a reading that is missing does not fall).
bool fell(const std::optional<std::uint64_t>& a, const std::optional<std::uint64_t>& b,
          std::uint64_t tolerance) {
  return a && b && *a > *b + tolerance;
}

}  // namespace

std::optional<std::uint64_t> resident_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return parse_status_kb(text, "Rss");
  } catch (const ParseError&) {
    return std::nullopt;
  }
}

Trend settle_trend(const std::vector<std::uint64_t>& readings, std::uint64_t tolerance) {
  if (readings.size() < 2) return Trend::kFlat;
  bool up = false, down = false;
  for (std::size_t i = 1; i < readings.size(); ++i) {
    if (readings[i] > readings[i - 1] + tolerance) up = true;
    if (readings[i] + tolerance < readings[i - 1]) down = true;
  }
  if (up && down) return Trend::kBoth;
  if (up) return Trend::kRising;
  return down ? Trend::kFalling : Trend::kFlat;
}

namespace {

std::string listed(const std::vector<Reading>& readings,
                   std::optional<std::uint64_t> Reading::*field) {
  std::string out;
  for (const auto& r : readings) {
    if (r.*field) out += (out.empty() ? "" : ", ") + std::to_string(*(r.*field));
  }
  return out;
}

std::string describe(const std::vector<Reading>& readings) {
  std::string out;
  const auto add = [&](const char* what, std::optional<std::uint64_t> Reading::*field) {
    const std::string values = listed(readings, field);
    if (!values.empty()) out += (out.empty() ? "" : "; ") + std::string(what) + " " + values;
  };
  add("live heap bytes", &Reading::heap_bytes);
  add("GC allocated bytes", &Reading::gc_allocated);
  add("GC committed bytes", &Reading::gc_committed);
  add("resident KB", &Reading::rss_kb);
  add("judged memory KB (what the GC does not own)", &Reading::judged_kb);
  return out;
}

std::vector<std::uint64_t> axis(const std::vector<Reading>& readings,
                                std::optional<std::uint64_t> Reading::*field) {
  std::vector<std::uint64_t> out;
  for (const auto& r : readings) {
    if (r.*field) out.push_back(*(r.*field));
  }
  return out;
}

std::vector<std::uint64_t> memory_axis(const std::vector<Reading>& readings) {
  std::vector<std::uint64_t> out;
  for (const auto& r : readings) {
    if (const auto kb = r.memory_kb()) out.push_back(*kb);
  }
  return out;
}

Trend heap_trend(const std::vector<Reading>& readings, const Manifest& m) {
  const Trend app =
      settle_trend(axis(readings, &Reading::heap_bytes), m.settle.heap_tolerance_bytes);
  const Trend gc = settle_trend(axis(readings, &Reading::gc_allocated),
                                gc_allocated_tolerance(readings.front(), m));
  if (app == Trend::kFlat) return gc;
  if (gc == Trend::kFlat || gc == app) return app;
  return Trend::kBoth;
}

// What the readings did and what to change, for the error of an app that did not settle.
std::string diagnosis(const std::vector<Reading>& readings, const Manifest& m) {
  const Trend heap = heap_trend(readings, m);
  const Trend rss = settle_trend(memory_axis(readings), m.settle.rss_tolerance_kb);
  const std::string seconds = std::to_string(static_cast<long long>(m.timeouts.settle_seconds));
  // Memory falling while the heap holds (or creeps up by a round's own allocations) is a process
  // giving memory back: say so first.
  if (rss == Trend::kFalling && heap != Trend::kBoth && heap != Trend::kFalling) {
    return "Resident memory only fell, and was still falling when the time ran out: the "
           "process is giving memory back (after a burst of allocations the GC returns free "
           "memory on its own schedule; Server GC and DATAS keep more, longer). Raise "
           "timeouts.settleSeconds (now " +
           seconds + ") or settle.rssToleranceKb";
  }
  if (heap == Trend::kRising || rss == Trend::kRising) {
    return "The readings only rose: something keeps allocating between settles. Stop "
           "background work before checkpoints, or widen settle.heapToleranceBytes / "
           "settle.rssToleranceKb";
  }
  return "The readings went up and down: the app allocates and frees between settles. Stop "
         "background work before checkpoints, or widen settle.heapToleranceBytes / "
         "settle.rssToleranceKb";
}

}  // namespace

SettleResult settle_until_stable(ScenarioSession& session, const Manifest& m, bool dotnet,
                                 const GcReader& gc_now) {
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
  // Readings that fall in every round are converging (a process giving memory back): they may
  // take more rounds than settle.maxRounds, bounded by timeouts.settleSeconds, with a pause
  // between rounds that grows (the GC decommits over time, not at each collection).
  std::chrono::milliseconds pause{0};
  while (true) {
    if (induced) {
      diagnostics::induce_full_gc(session.pid(), deadline);
    } else {
      result.reply = session.settle();
    }
    ++result.rounds;
    Reading reading = read(result.reply, session.pid(), gc_now, m.verdict.judge_memory);
    std::string twice;
    // Where the app's heap figure is all that is compared, a settle that collected twice (its
    // finalizers ran between) gives two consecutive readings: what each collection left.
    if (!m.verdict.judge_memory && reading.heap_bytes) {
      if (const auto first = reply_bytes(result.reply, "firstPromotedBytes")) {
        Reading before;
        before.heap_bytes = first;
        readings.push_back(before);
        twice = " (the first of its two collections: " + std::to_string(*first) + ")";
      }
    }
    readings.push_back(reading);
    session.log_step("settle round " + std::to_string(result.rounds) +
                     (induced ? " (induced full GC): " : " (settle command): ") +
                     describe({readings.back()}) + twice);
    bool converging = false;
    if (readings.size() >= 2) {
      const Reading& a = readings[readings.size() - 2];
      const Reading& b = readings.back();
      const std::uint64_t heap_tolerance = m.settle.heap_tolerance_bytes;
      const std::uint64_t gc_tolerance = gc_allocated_tolerance(a, m);
      if (close(a.heap_bytes, b.heap_bytes, heap_tolerance) &&
          close(a.gc_allocated, b.gc_allocated, gc_tolerance) &&
          close(a.memory_kb(), b.memory_kb(), m.settle.rss_tolerance_kb)) {
        break;
      }
      converging = fell(a.memory_kb(), b.memory_kb(), m.settle.rss_tolerance_kb) &&
                   !fell(b.heap_bytes, a.heap_bytes, heap_tolerance) &&
                   !fell(b.gc_allocated, a.gc_allocated, gc_tolerance);
    }
    const bool out_of_rounds = result.rounds >= m.settle.max_rounds && !converging;
    if (out_of_rounds || deadline.expired()) {
      throw ScenarioError(
          "scenario '" + m.name + "': the app did not settle: " + std::to_string(result.rounds) +
          (induced ? " induced GCs" : " settles") + ", no two consecutive readings agreed (" +
          describe(readings) + "). " + diagnosis(readings, m) + " in " + m.file.string());
    }
    if (converging) {
      pause = std::min(std::chrono::milliseconds(2000), pause + std::chrono::milliseconds(250));
      std::this_thread::sleep_for(std::min(pause, deadline.remaining()));
    }
  }
  result.settled_by =
      induced ? "induced full blocking GC over the diagnostics IPC, " +
                    std::to_string(result.rounds) + " rounds"
              : "the app's settle command, " + std::to_string(result.rounds) + " rounds";
  if (readings.back().judged_kb) {
    result.settled_by +=
        ", until the GC's allocated bytes and the memory it does not own held still";
  }
  return result;
}

}  // namespace leakgate
