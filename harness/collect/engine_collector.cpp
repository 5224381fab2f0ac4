#include "collect/engine_collector.h"

#include <csignal>
#include <fstream>

#include "collect/engine_leaks.h"
#include "collect/engine_protocol.h"
#include "common/atomic_file.h"
#include "common/errors.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

// The label of the read before the first checkpoint (prepare), which only primes.
constexpr const char* kPrimingLabel = "priming";

constexpr double kEngineStartSeconds = 60;

}  // namespace

EngineCollector::EngineCollector(ToolSettings settings)
    : settings_(std::move(settings)), sos_(settings_) {}

HeapEngine& EngineCollector::engine(const CollectRequest& request) {
  if (!engine_ || !engine_->usable()) start_engine(request);
  if (engine_version_.empty()) engine_version_ = engine_->version();  // waits for its hello
  return *engine_;
}

void EngineCollector::start_engine(const CollectRequest& request) {
  engine_.reset();
  census_label_.clear();  // kept by the engine that took it
  engine_ = std::make_unique<HeapEngine>(locate_heap_engine(settings_.heap_engine), request.raw_dir,
                                         kEngineStartSeconds);
}

void EngineCollector::begin(const CollectRequest& request) {
  // One engine per scenario: its logs go with the scenario's report.
  start_engine(request);
  begun_ = true;
}

std::optional<std::string> EngineCollector::prepare(const CollectRequest& request) {
  // One engine per scenario (begin started it, or it starts now).
  if (!begun_) engine_.reset();
  begun_ = false;
  engine(request);
  attach_refused_ = false;
  census_label_.clear();
  std::string note =
      "heap statistics read by leakgate's heap engine (ClrMD), attached to the live process";
  // Reading the heap reads pages of the process that were never touched (mapped assemblies; the
  // census reads every module's statics and metadata): once before the first checkpoint, so
  // they do not show as memory growth (where memory is judged).
  Checkpoint scratch;
  CollectRequest priming = request;
  priming.label = kPrimingLabel;
  priming.retain_dump = false;
  priming.raw_dir = request.temp_dir;
  priming.live_only = false;
  try {
    if (request.memory_judged) {
      read_walkable(priming, scratch);
    } else {
      // Nothing to prime where memory is not judged: whether the engine may attach is all.
      ask_opened(engine(request), {{"pid", request.pid}}, {},
                 Deadline::after_seconds(request.timeout_seconds), request.pid);
    }
  } catch (const EngineError& e) {
    if (e.kind() != "attach-refused") throw;
    attach_refused_ = true;
    note =
        "heap statistics read by leakgate's heap engine from heap dumps written by the runtime: "
        "attaching to the process is not allowed here (" +
        std::string(e.what()) + ")";
  }
  // Dumps at intermediate checkpoints (--keep-dumps) make pages resident too: prime for them as
  // the SOS route does.
  if (request.retain_dump || attach_refused_) sos_.prepare(request);
  return note;
}

HeapEngine::Answer EngineCollector::ask_opened(const CollectRequest& request,
                                               const nlohmann::json& open, const std::string& op) {
  return ask_opened(engine(request), open, {{op, nlohmann::json::object()}},
                    Deadline::after_seconds(request.timeout_seconds), request.pid)
      .front();
}

std::vector<HeapEngine::Answer> EngineCollector::ask_opened(
    HeapEngine& e, const nlohmann::json& open,
    const std::vector<std::pair<std::string, nlohmann::json>>& ops, Deadline deadline, pid_t pid) {
  try {
    e.request("open", open, deadline);
    std::vector<HeapEngine::Answer> answers;
    answers.reserve(ops.size());
    for (const auto& [op, fields] : ops) answers.push_back(e.request(op, fields, deadline));
    e.request("close", nlohmann::json::object(), deadline);
    return answers;
  } catch (...) {
    // An error reply leaves the engine attached: let go of the process. An engine that failed
    // while attached must not leave the app stopped either: the kernel detaches a dead tracer's
    // tracees but leaves them in the stop ClrMD's attach put them in.
    try {
      if (e.usable()) e.request("close", nlohmann::json::object(), deadline);
    } catch (...) {  // NOLINT(bugprone-empty-catch): the error being thrown is the one to report
    }
    if (open.contains("pid")) ::kill(pid, SIGCONT);
    throw;
  }
}

std::optional<LeakAnalysis> EngineCollector::find_leaks(const Checkpoint& checkpoint,
                                                        const LeakQuery& query,
                                                        const fs::path& raw_dir) {
  // The live process (retention.from "process", while attaching is allowed), else the dump.
  const bool live = query.pid > 0 && !attach_refused_;
  if ((!live && !checkpoint.dump_file) || !engine_ || !engine_->usable() || query.types.empty()) {
    return std::nullopt;
  }
  nlohmann::json fields = {
      {"types", query.types}, {"appTypes", query.app_types}, {"maxHops", query.max_hops}};
  if (!census_label_.empty()) fields["since"] = census_label_;
  const nlohmann::json open =
      live ? nlohmann::json{{"pid", query.pid}} : nlohmann::json{{"dump", *checkpoint.dump_file}};
  const HeapEngine::Answer answer =
      ask_opened(*engine_, open, {{"leaks", fields}}, Deadline::after_seconds(query.seconds),
                 live ? query.pid : 0)
          .front();
  const fs::path raw = raw_dir / (checkpoint.label + ".engine-leaks.json");
  write_file_atomically(raw, answer.line + "\n", Durability::kRewrittenEachRun);
  try {
    return engine::parse_leaks(answer.body);
  } catch (const ParseError& err) {
    throw ToolError("cannot read the heap engine's leaks at checkpoint '" + checkpoint.label +
                    "' (" + raw.string() + "): " + err.what());
  }
}

void EngineCollector::read_heap(const CollectRequest& request, const nlohmann::json& open,
                                Checkpoint& into) {
  // Where asked (the warm-up checkpoint) the engine also counts where objects hang (census), in
  // the same stop of the process, so the leaks found later are the objects of places that gained
  // some.
  std::vector<std::pair<std::string, nlohmann::json>> ops{{"heapstat", nlohmann::json::object()}};
  // (At the priming read only to touch what the census touches, when memory is judged.)
  const bool census = request.census || (request.label == kPrimingLabel && request.memory_judged);
  if (census) ops.emplace_back("census", nlohmann::json{{"name", request.label}});
  const auto answers = ask_opened(engine(request), open, ops,
                                  Deadline::after_seconds(request.timeout_seconds), request.pid);
  const HeapEngine::Answer& answer = answers.front();
  if (request.census) census_label_ = request.label;
  const fs::path raw = request.raw_dir / (request.label + ".engine-heapstat.json");
  write_file_atomically(raw, answer.line + "\n", Durability::kRewrittenEachRun);
  into.raw.push_back({"heap engine heapstat", raw.filename().string()});
  try {
    engine::HeapStatReply stats = engine::parse_heapstat(answer.body);
    into.heap = std::move(stats.heap);
    into.gc_heap = std::move(stats.gc);
  } catch (const ParseError& err) {
    throw ToolError("cannot read the heap engine's heapstat at checkpoint '" + request.label +
                    "' (" + raw.string() + "): " + err.what());
  }
}

bool EngineCollector::census(const CollectRequest& request) {
  if (attach_refused_) return false;  // a dump of its own is not worth it: the leaks go without
  read_when_walkable(Deadline::after_seconds(request.timeout_seconds),
                     "the census at checkpoint '" + request.label + "'", [&] {
                       return ask_opened(engine(request), {{"pid", request.pid}},
                                         {{"census", nlohmann::json{{"name", request.label}}}},
                                         Deadline::after_seconds(request.timeout_seconds),
                                         request.pid);
                     });
  census_label_ = request.label;
  return true;
}

void EngineCollector::collect(const CollectRequest& request, Checkpoint& into) {
  // Counting only reachable objects (an app that could not be settled) is SOS's dumpheap -live.
  if (request.live_only) return sos_.collect(request, into);
  read_walkable(request, into);
}

void EngineCollector::read_walkable(const CollectRequest& request, Checkpoint& into) {
  into = read_when_walkable(Deadline::after_seconds(request.timeout_seconds),
                            "checkpoint '" + request.label + "'", [&] {
                              Checkpoint reading = into;
                              read_once(request, reading);
                              return reading;
                            });
}

void EngineCollector::read_once(const CollectRequest& request, Checkpoint& into) {
  const fs::path dump = request.temp_dir / (request.label + ".dmp");
  if (!attach_refused_) {
    // Read right after settling: the runtime takes seconds to write a dump, and what the app
    // allocates meanwhile (a service's timers: Kestrel's heartbeat allocates every second) is
    // garbage the heap walk would count. The dump the retention analysis reads comes after.
    read_heap(request, {{"pid", request.pid}}, into);
    if (request.retain_dump) {
      sos_.take_dump(request, dump, request.label, &into);
      into.dump_file = dump.string();
    }
    return;
  }
  sos_.take_dump(request, dump, request.label, &into);
  try {
    read_heap(request, {{"dump", dump.string()}}, into);
  } catch (...) {
    fs::remove(dump);
    throw;
  }
  if (request.retain_dump) {
    into.dump_file = dump.string();
  } else {
    fs::remove(dump);
  }
}

std::optional<GcHeapSummary> EngineCollector::gc_now(const CollectRequest& request) {
  if (attach_refused_) return std::nullopt;
  const HeapEngine::Answer answer =
      read_when_walkable(Deadline::after_seconds(request.timeout_seconds), "settling", [&] {
        return ask_opened(request, {{"pid", request.pid}}, "gc");
      });
  try {
    return engine::parse_gc(answer.body, "gc");
  } catch (const ParseError& err) {
    throw ToolError(std::string("cannot read the heap engine's gc reply: ") + err.what());
  }
}

std::map<std::string, std::string> EngineCollector::tool_versions() const {
  auto versions = sos_.tool_versions();
  if (!engine_version_.empty()) versions["leakgate-heap-engine"] = engine_version_;
  return versions;
}

}  // namespace leakgate
