#include "pipeline/live_source.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <string_view>

#include "collect/environment_probe.h"
#include "collect/gc_settings_probe.h"
#include "collect/memory_classifier.h"
#include "common/errors.h"
#include "model/type_key.h"
#include "pipeline/settler.h"
#include "scenario/protocol.h"
#include "scenario/session.h"
#include "scenario/step_runner.h"
#include "verdict/leak_result.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

struct ScenarioContext {
  const Manifest& manifest;
  const RunOptions& options;
  std::vector<std::unique_ptr<Collector>>& collectors;
  const Progress& progress;
  fs::path raw_dir;
  fs::path temp;
  ScenarioResult& result;
  const ScenarioSource::MoreIterations& more;
  bool census_taken = false;  // where objects hang was counted (retention.census)
};

CollectRequest make_request(ScenarioContext& ctx, ScenarioSession& session,
                            const std::string& label, bool live_only = false) {
  CollectRequest request;
  request.pid = session.pid();
  request.label = label;
  request.runtime = &ctx.result.runtime;
  request.raw_dir = ctx.raw_dir;
  request.temp_dir = ctx.temp;
  request.timeout_seconds = ctx.manifest.timeouts.collect_seconds;
  // Any dump may be kept with the report (the last checkpoint's, which explain() reads, is left
  // after the run: keep_last_dump).
  request.retain_dump = ctx.options.keep_dumps != KeepDumps::kNever;
  request.live_only = live_only;
  request.memory_judged = ctx.manifest.verdict.judge_memory;
  request.census = label == kWarmupLabel && !ctx.manifest.retention.census_on_growth;
  if (const auto it = ctx.manifest.env.find("TMPDIR"); it != ctx.manifest.env.end()) {
    request.tool_env["TMPDIR"] = it->second;  // the diagnostics socket lives there
  }
  return request;
}

// Runs one collector step; a tool fails when the app it reads goes away, and then the app is the
// cause, and says how.
template <typename Step>
void blaming_the_app_if_gone(ScenarioSession& session, const std::string& doing, Step&& step) {
  try {
    step();
  } catch (const InterruptedError&) {
    throw;
  } catch (const Error& e) {
    session.check_alive(doing + " (" + e.what() + ")");
    throw;
  }
}

void begin_collectors(ScenarioContext& ctx, ScenarioSession& session) {
  const CollectRequest request = make_request(ctx, session, "priming");
  for (auto& collector : ctx.collectors) {
    if (collector->applies_to(ctx.result.runtime)) collector->begin(request);
  }
}

void prepare_collectors(ScenarioContext& ctx, ScenarioSession& session) {
  const CollectRequest request = make_request(ctx, session, "priming");
  for (auto& collector : ctx.collectors) {
    if (!collector->applies_to(ctx.result.runtime)) continue;
    // What preparing did to the process's memory is said, so that it can be told from growth
    // (the settle before the first checkpoint waits until memory holds still after it).
    const auto before = resident_kb(session.pid());
    blaming_the_app_if_gone(session, "preparing " + std::string(collector->name()), [&] {
      if (auto note = collector->prepare(request)) {
        const auto after = resident_kb(session.pid());
        if (before && after) {
          const auto delta = static_cast<long long>(*after) - static_cast<long long>(*before);
          *note += " (resident memory " + std::to_string(*before) + " -> " +
                   std::to_string(*after) + " KB, " + (delta >= 0 ? "+" : "") +
                   std::to_string(delta) + " KB)";
        }
        ctx.result.info.push_back(*note);
      }
    });
  }
}

// The dump the retention paths are read from, of the last checkpoint (taken when the run is over,
// not with the checkpoint: whether another follows is known only after the checkpoint is judged).
void keep_last_dump(ScenarioContext& ctx, ScenarioSession& session) {
  Checkpoint& last = ctx.result.checkpoints.back();
  CollectRequest request = make_request(ctx, session, last.label);
  request.retain_dump = true;
  for (auto& collector : ctx.collectors) {
    if (!collector->applies_to(ctx.result.runtime)) continue;
    const std::string doing = "checkpoint '" + last.label + "': the dump for retention paths";
    ctx.progress.say(ctx.manifest.name, doing);
    blaming_the_app_if_gone(session, doing, [&] { collector->keep_dump(request, last); });
  }
}

// Instances per type name (rows of one name, several method tables, added up), but free space.
std::map<std::string_view, std::uint64_t> instances_by_name(const HeapStats& heap) {
  std::map<std::string_view, std::uint64_t> out;
  for (const auto& row : heap.types) {
    if (row.type != kFreeSpaceType) out[row.type] += row.count;
  }
  return out;
}

// The first type with more instances than at the warm-up checkpoint by what a leak could have
// added at half the rate the verdict judges (at least the noise floor: a test host's own boxed
// number or two is not growth), if any.
std::optional<std::string> grown_since_warmup(const ScenarioContext& ctx, const Checkpoint& cp) {
  if (ctx.result.checkpoints.empty() || !ctx.result.checkpoints.front().heap || !cp.heap) {
    return std::nullopt;
  }
  const VerdictSettings& v = ctx.manifest.verdict;
  const double enough =
      std::max(v.noise_floor_count, 0.5 * v.min_growth_per_iteration * cp.iteration);
  const auto before = instances_by_name(*ctx.result.checkpoints.front().heap);
  for (const auto& [type, count] : instances_by_name(*cp.heap)) {
    const auto it = before.find(type);
    const std::uint64_t was = it == before.end() ? 0 : it->second;
    if (count > was && static_cast<double>(count - was) >= enough) return std::string(type);
  }
  return std::nullopt;
}

// retention.census "onGrowth": at an intermediate checkpoint, once a type has grown since the
// warm-up, where the objects hang is counted (the run's first census) before the app goes on.
void census_on_growth(ScenarioContext& ctx, ScenarioSession& session, const Checkpoint& cp) {
  if (!ctx.manifest.retention.census_on_growth || ctx.census_taken) return;
  const auto grown = grown_since_warmup(ctx, cp);
  if (!grown) return;
  ctx.census_taken = true;
  const CollectRequest request = make_request(ctx, session, cp.label);
  for (auto& collector : ctx.collectors) {
    if (!collector->applies_to(ctx.result.runtime)) continue;
    const std::string doing = "checkpoint '" + cp.label + "': census (" + *grown + " grew)";
    ctx.progress.say(ctx.manifest.name, doing);
    bool taken = false;
    blaming_the_app_if_gone(session, doing, [&] { taken = collector->census(request); });
    if (taken)
      session.log_step("census of where objects hang at '" + cp.label + "': " + *grown +
                       " has more instances than at the warm-up");
  }
}

Checkpoint take_checkpoint(ScenarioContext& ctx, ScenarioSession& session, const std::string& label,
                           int iteration) {
  ctx.progress.say(ctx.manifest.name, "settle and checkpoint '" + label + "'");
  Checkpoint cp;
  cp.label = label;
  cp.iteration = iteration;
  const CollectRequest gc_request = make_request(ctx, session, label);
  const GcReader gc_now = [&]() -> std::optional<GcHeapSummary> {
    for (auto& collector : ctx.collectors) {
      if (!collector->applies_to(ctx.result.runtime)) continue;
      std::optional<GcHeapSummary> gc;
      blaming_the_app_if_gone(session, "settling: reading the GC",
                              [&] { gc = collector->gc_now(gc_request); });
      if (gc) return gc;
    }
    return std::nullopt;
  };
  const SettleResult settled = settle_until_stable(
      session, ctx.manifest, ctx.result.runtime.facts.contains("runtime"), gc_now);
  cp.settle_reply = settled.reply;
  cp.settle_rounds = settled.rounds;
  cp.settled_by = settled.settled_by;
  if (protocol::parse_facts(settled.reply).contains("finalizerBlocked")) {
    note_finalizer_blocked(ctx.result);
  }
  const CollectRequest request = make_request(ctx, session, label, settled.live_only);
  for (auto& collector : ctx.collectors) {
    if (!collector->applies_to(ctx.result.runtime)) {
      const std::string note = "collector '" + std::string(collector->name()) +
                               "' skipped: " + std::string(collector->skip_reason());
      if (iteration == 0) ctx.result.info.push_back(note);
      continue;
    }
    const std::string doing = "checkpoint '" + label + "': " + std::string(collector->activity());
    ctx.progress.say(ctx.manifest.name, doing);
    const auto started = std::chrono::steady_clock::now();
    blaming_the_app_if_gone(session, doing, [&] { collector->collect(request, cp); });
    // protocol.log says where a checkpoint's time went
    const std::chrono::duration<double, std::milli> took =
        std::chrono::steady_clock::now() - started;
    session.log_step(doing + ": " + std::to_string(std::lround(took.count())) + " ms");
  }
  attribute_runtime_memory(cp);
  return cp;
}

void drive_session(ScenarioContext& ctx, ScenarioSession& session);

// Stops the app (quit, else killed) and says what became of it and its logs.
void finish_session(ScenarioSession& session, ScenarioResult& result) {
  if (!session.shutdown()) {
    result.notes.emplace_back(
        "the app did not exit within timeouts.shutdownSeconds after quit; "
        "it was killed");
  }
  for (auto& note : session.log_notes(true)) result.notes.push_back(std::move(note));
}

// The session, still running, when the retention paths are read from the process itself
// (retention.from "process": explain() reads it, then stops it); else null, the app stopped.
std::unique_ptr<ScenarioSession> drive(ScenarioContext& ctx) {
  const Manifest& m = ctx.manifest;
  ctx.progress.say(m.name, "launch " + m.argv.front());
  auto session = std::make_unique<ScenarioSession>(m, ctx.raw_dir);
  try {
    drive_session(ctx, *session);
  } catch (...) {
    // Whatever stopped the scenario, the report still says what became of the app's logs.
    for (auto& note : session->log_notes(false)) ctx.result.notes.push_back(std::move(note));
    throw;
  }
  if (m.retention.from_process) return session;
  finish_session(*session, ctx.result);
  return nullptr;
}

void drive_session(ScenarioContext& ctx, ScenarioSession& session) {
  const Manifest& m = ctx.manifest;
  ctx.result.runtime = session.runtime();
  ctx.result.runtime.facts.merge(probe_environment(session.pid()));
  StepVars vars;
  vars.set("run", new_run_id());
  vars.set("iteration", "0");
  begin_collectors(ctx, session);
  run_steps(session, m.ready, m, vars);
  if (!m.protocol) ctx.result.runtime.facts.merge(probe_runtime(session.pid()));
  run_steps(session, m.warmup, m, vars);
  prepare_collectors(ctx, session);
  ctx.result.checkpoints.push_back(take_checkpoint(ctx, session, std::string(kWarmupLabel), 0));
  ctx.census_taken = !m.retention.census_on_growth;
  if (ctx.result.runtime.facts.contains("runtime")) {
    // The GC's configuration, for every .NET app (what the app said in a handshake stays).
    auto& facts = ctx.result.runtime.facts;
    facts.merge(probe_gc_settings(session.pid()));
    if (const auto& gc = ctx.result.checkpoints.back().gc_heap) facts.merge(gc_facts(*gc));
  }
  // Checkpoints spread evenly over the round trips: growth is fitted on all of them, and a leak
  // must still grow in the last stretch (a cache that fills once is not a leak).
  int next_checkpoint = 1;
  for (int i = 1; i <= m.iterations; ++i) {
    vars.set("iteration", std::to_string(i));
    run_steps(session, m.iteration, m, vars);
    if (i == m.iterations || i % 10 == 0) {
      ctx.progress.say(m.name,
                       "iteration " + std::to_string(i) + "/" + std::to_string(m.iterations));
    }
    if (next_checkpoint <= m.intermediate_checkpoints &&
        i == m.iterations * next_checkpoint / (m.intermediate_checkpoints + 1)) {
      ctx.result.checkpoints.push_back(
          take_checkpoint(ctx, session, "iteration-" + std::to_string(i), i));
      census_on_growth(ctx, session, ctx.result.checkpoints.back());
      ++next_checkpoint;
    }
  }
  ctx.result.checkpoints.push_back(take_checkpoint(ctx, session, "final", m.iterations));
  for (int more = ctx.more(); more > 0; more = ctx.more()) {
    const int last = ctx.result.checkpoints.back().iteration + more;
    for (int i = ctx.result.checkpoints.back().iteration + 1; i <= last; ++i) {
      vars.set("iteration", std::to_string(i));
      run_steps(session, m.iteration, m, vars);
    }
    ctx.progress.say(m.name, "iteration " + std::to_string(last) + " (run on)");
    ctx.result.checkpoints.push_back(
        take_checkpoint(ctx, session, std::string(kExtendedLabel) + std::to_string(last), last));
    ctx.result.iterations = last;
  }
  if (!m.retention.from_process) keep_last_dump(ctx, session);
}

// Your own types first: they are what a developer can fix, and what usually holds the rest.
std::vector<std::string> types_to_explain(const std::vector<Finding>& findings) {
  std::vector<std::string> own, framework;
  for (const auto& f : findings) {
    if (f.kind != FindingKind::kManaged || f.metric == Metric::kGcHeapAllocatedBytes) continue;
    (is_framework_type(f.type) ? framework : own).push_back(f.type);
  }
  own.insert(own.end(), framework.begin(), framework.end());
  return own;
}

// What the heap engine is asked: every managed finding's type (as the heap names it) and which of
// them are the app's own (not the framework's, not made by the compiler): those may head a leak.
LeakQuery leak_query(const Manifest& m, const std::vector<std::string>& types,
                     const Checkpoint& last, pid_t live_pid) {
  LeakQuery q;
  q.pid = live_pid;
  q.max_hops = m.retention.max_hops;
  q.seconds = m.retention.seconds;
  if (!last.heap) return q;
  for (const auto& row : last.heap->types) {
    if (std::find(types.begin(), types.end(), type_key(row.type)) == types.end()) continue;
    if (std::find(q.types.begin(), q.types.end(), row.type) != q.types.end()) continue;
    q.types.push_back(row.type);
    if (!is_framework_type(row.type) && !is_compiler_generated(row.type)) {
      q.app_types.push_back(row.type);
    }
  }
  return q;
}

// Steps 6 and 7: what holds the managed findings, from the last checkpoint's dump: the heap
// engine groups them into leaks (one walk of the whole heap); SOS samples gcroot paths per type.
void explain_findings(const Manifest& m, std::vector<std::unique_ptr<Collector>>& collectors,
                      const fs::path& raw_dir, ScenarioResult& result, const Progress& progress,
                      pid_t live_pid) {
  const auto types = types_to_explain(result.findings);
  if (types.empty() || result.checkpoints.empty()) return;
  const Checkpoint& last = result.checkpoints.back();
  progress.say(m.name, "what holds the " + std::to_string(types.size()) + " growing type(s)");
  const RetentionCaps caps{static_cast<std::size_t>(m.retention.max_types),
                           static_cast<std::size_t>(m.retention.samples),
                           static_cast<std::size_t>(m.retention.max_hops), m.retention.seconds};
  try {
    for (auto& collector : collectors) {
      if (auto leaks = collector->find_leaks(last, leak_query(m, types, last, live_pid), raw_dir)) {
        attach_leaks(std::move(*leaks), result);
        return;
      }
    }
    for (auto& collector : collectors) {
      auto explained = collector->explain(last, types, caps, raw_dir);
      for (auto& f : result.findings) {
        const auto it = explained.find(f.type);
        if (it != explained.end() && f.kind == FindingKind::kManaged) f.retention = it->second;
      }
    }
  } catch (const InterruptedError&) {
    throw;
  } catch (const Error& e) {
    // The finding stands without its paths; say why they are missing.
    result.notes.push_back(std::string("retention paths not available: ") + e.what());
  }
}

}  // namespace

void note_finalizer_blocked(ScenarioResult& result) {
  const std::string note =
      "the app's finalizer thread did not drain the finalization queue at a settle "
      "(finalizerBlocked=true): objects waiting for finalization stay on the heap and are counted";
  if (std::find(result.notes.begin(), result.notes.end(), note) == result.notes.end()) {
    result.notes.push_back(note);
  }
}

void LiveSource::drive(const Manifest& manifest, const fs::path& raw_dir, const fs::path& temp,
                       ScenarioResult& result, const MoreIterations& more) {
  running_.reset();  // an earlier scenario's, if its run ended before explain()
  ScenarioContext ctx{manifest, options_, collectors_, progress_, raw_dir, temp, result, more};
  running_ = leakgate::drive(ctx);
}

void LiveSource::explain(const Manifest& manifest, const fs::path& raw_dir,
                         ScenarioResult& result) {
  if (!running_) {
    explain_findings(manifest, collectors_, raw_dir, result, progress_, 0);
    return;
  }
  const std::unique_ptr<ScenarioSession> session = std::move(running_);
  explain_findings(manifest, collectors_, raw_dir, result, progress_, session->pid());
  finish_session(*session, result);
}

}  // namespace leakgate
