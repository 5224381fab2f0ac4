#include "pipeline/scenario_runner.h"

#include <algorithm>

#include "collect/environment_probe.h"
#include "collect/memory_classifier.h"
#include "common/errors.h"
#include "model/type_key.h"
#include "pipeline/settler.h"
#include "process/temp_dir.h"
#include "scenario/protocol.h"
#include "scenario/session.h"
#include "scenario/step_runner.h"
#include "verdict/verdict.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFinalizerBlocked =
    "the app's finalizer thread did not drain the finalization queue at a settle "
    "(finalizerBlocked=true): objects waiting for finalization stay on the heap and are counted";

struct ScenarioContext {
  const Manifest& manifest;
  const RunOptions& options;
  std::vector<std::unique_ptr<Collector>>& collectors;
  const Progress& progress;
  fs::path raw_dir;
  const TempDir& temp;
  ScenarioResult& result;
};

CollectRequest make_request(ScenarioContext& ctx, ScenarioSession& session,
                            const std::string& label, bool live_only = false) {
  CollectRequest request;
  request.pid = session.pid();
  request.label = label;
  request.runtime = &ctx.result.runtime;
  request.raw_dir = ctx.raw_dir;
  request.temp_dir = ctx.temp.path();
  request.timeout_seconds = ctx.manifest.timeouts.collect_seconds;
  // The final dump is explained after the verdict; any may be kept with the report.
  request.retain_dump = label == "final" || ctx.options.keep_dumps != KeepDumps::kNever;
  request.live_only = live_only;
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

void prepare_collectors(ScenarioContext& ctx, ScenarioSession& session) {
  const CollectRequest request = make_request(ctx, session, "priming");
  for (auto& collector : ctx.collectors) {
    if (!collector->applies_to(ctx.result.runtime)) continue;
    blaming_the_app_if_gone(session, "preparing " + std::string(collector->name()), [&] {
      if (auto note = collector->prepare(request)) ctx.result.info.push_back(*note);
    });
  }
}

Checkpoint take_checkpoint(ScenarioContext& ctx, ScenarioSession& session, const std::string& label,
                           int iteration) {
  ctx.progress.say(ctx.manifest.name, "settle and checkpoint '" + label + "'");
  Checkpoint cp;
  cp.label = label;
  cp.iteration = iteration;
  const SettleResult settled =
      settle_until_stable(session, ctx.manifest, ctx.result.runtime.facts.contains("runtime"));
  cp.settle_reply = settled.reply;
  cp.settle_rounds = settled.rounds;
  cp.settled_by = settled.settled_by;
  if (protocol::parse_facts(settled.reply).contains("finalizerBlocked") &&
      std::find(ctx.result.notes.begin(), ctx.result.notes.end(), kFinalizerBlocked) ==
          ctx.result.notes.end()) {
    ctx.result.notes.emplace_back(kFinalizerBlocked);
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
    blaming_the_app_if_gone(session, doing, [&] { collector->collect(request, cp); });
  }
  if (cp.memory && cp.gc_heap) {
    cp.reconciliation = reconcile(*cp.memory, cp.gc_heap->segments, cp.gc_heap->committed_bytes);
  }
  return cp;
}

void drive_session(ScenarioContext& ctx, ScenarioSession& session);

void drive(ScenarioContext& ctx) {
  const Manifest& m = ctx.manifest;
  ctx.progress.say(m.name, "launch " + m.argv.front());
  ScenarioSession session(m, ctx.raw_dir);
  try {
    drive_session(ctx, session);
  } catch (...) {
    // Whatever stopped the scenario, the report still says what became of the app's logs.
    for (auto& note : session.log_notes(false)) ctx.result.notes.push_back(std::move(note));
    throw;
  }
  for (auto& note : session.log_notes(true)) ctx.result.notes.push_back(std::move(note));
}

void drive_session(ScenarioContext& ctx, ScenarioSession& session) {
  const Manifest& m = ctx.manifest;
  ctx.result.runtime = session.runtime();
  ctx.result.runtime.facts.merge(probe_environment(session.pid()));
  for (const auto& step : m.ready) run_step(session, step, m);
  if (!m.protocol) ctx.result.runtime.facts.merge(probe_runtime(session.pid()));
  for (const auto& step : m.warmup) run_step(session, step, m);
  prepare_collectors(ctx, session);
  ctx.result.checkpoints.push_back(take_checkpoint(ctx, session, "warmup", 0));
  // Checkpoints spread evenly over the round trips: growth is fitted on all of them, and a leak
  // must still grow in the last stretch (a cache that fills once is not a leak).
  int next_checkpoint = 1;
  for (int i = 1; i <= m.iterations; ++i) {
    for (const auto& step : m.iteration) run_step(session, step, m);
    if (i == m.iterations || i % 10 == 0) {
      ctx.progress.say(m.name,
                       "iteration " + std::to_string(i) + "/" + std::to_string(m.iterations));
    }
    if (next_checkpoint <= m.intermediate_checkpoints &&
        i == m.iterations * next_checkpoint / (m.intermediate_checkpoints + 1)) {
      ctx.result.checkpoints.push_back(
          take_checkpoint(ctx, session, "iteration-" + std::to_string(i), i));
      ++next_checkpoint;
    }
  }
  ctx.result.checkpoints.push_back(take_checkpoint(ctx, session, "final", m.iterations));
  if (!session.shutdown()) {
    ctx.result.notes.emplace_back(
        "the app did not exit within timeouts.shutdownSeconds after quit; "
        "it was killed");
  }
}

// Differences between the environment the baseline was recorded in and this run's.
std::vector<std::string> environment_mismatches(const ScenarioResult& result,
                                                const Baseline& baseline) {
  std::vector<std::string> mismatches;
  for (const char* key : kFingerprintKeys) {
    const auto b = baseline.recorded_with.find(key);
    const auto r = result.runtime.facts.find(key);
    if (b == baseline.recorded_with.end() || r == result.runtime.facts.end()) continue;
    if (b->second != r->second) {
      mismatches.push_back(std::string("baseline recorded with ") + key + "=" + b->second +
                           ", this run has " + key + "=" + r->second);
    }
  }
  return mismatches;
}

// Your own types first: they are what a developer can fix, and what usually holds the rest.
std::vector<std::string> types_to_explain(const std::vector<Finding>& findings) {
  std::vector<std::string> own, framework;
  for (const auto& f : findings) {
    if (f.kind != "managed" || f.metric == "gcHeapAllocatedBytes") continue;
    (is_framework_type(f.type) ? framework : own).push_back(f.type);
  }
  own.insert(own.end(), framework.begin(), framework.end());
  return own;
}

// Steps 6 and 7: the retention paths of the managed findings, from the final checkpoint's dump.
void explain_findings(const Manifest& m, std::vector<std::unique_ptr<Collector>>& collectors,
                      const fs::path& raw_dir, ScenarioResult& result, const Progress& progress) {
  const auto types = types_to_explain(result.findings);
  if (types.empty() || result.checkpoints.empty()) return;
  progress.say(m.name, "retention paths of " + std::to_string(types.size()) + " type(s)");
  const RetentionCaps caps{static_cast<std::size_t>(m.retention.max_types),
                           static_cast<std::size_t>(m.retention.samples),
                           static_cast<std::size_t>(m.retention.max_hops), m.retention.seconds};
  try {
    for (auto& collector : collectors) {
      auto explained = collector->explain(result.checkpoints.back(), types, caps, raw_dir);
      for (auto& f : result.findings) {
        const auto it = explained.find(f.type);
        if (it != explained.end() && f.kind == "managed") f.retention = it->second;
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

ScenarioResult run_scenario(const Manifest& manifest, const std::optional<Baseline>& baseline,
                            const std::vector<KnownLeak>& known_leaks, const RunOptions& options,
                            std::vector<std::unique_ptr<Collector>>& collectors,
                            const Progress& progress, DumpKeeper& dumps) {
  const auto started = Clock::now();
  ScenarioResult result;
  result.name = manifest.name;
  result.description = manifest.description;
  result.expected = manifest.expect;
  result.iterations = manifest.iterations;
  result.has_baseline = baseline.has_value();
  result.report_subdir = manifest.name;
  for (const auto& setting : manifest.defaulted_env) {
    result.info.push_back(
        "launched with " + setting +
        " (a leakgate default for steady memory; set it in launch.env to change)");
  }
  const fs::path raw_dir = options.report_dir / manifest.name;
  std::optional<TempDir> temp;  // outlives the verdict: its dumps may be kept
  try {
    fs::remove_all(raw_dir);
    fs::create_directories(raw_dir);
    temp.emplace("leakgate-" + manifest.name);
    ScenarioContext ctx{manifest, options, collectors, progress, raw_dir, *temp, result};
    drive(ctx);
    Evidence evidence{
        {}, manifest.iterations, manifest.verdict, baseline ? &*baseline : nullptr, &known_leaks};
    for (const auto& cp : result.checkpoints) evidence.checkpoints.push_back(&cp);
    Judgement judgement = judge(evidence);
    result.verdict = judgement.verdict;
    result.findings = std::move(judgement.findings);
    result.suppressed = std::move(judgement.suppressed);
    result.known_leaks_used = std::move(judgement.known_leaks_used);
    explain_findings(manifest, collectors, raw_dir, result, progress);
    if (!baseline) {
      result.notes.push_back("no baseline in " + options.baselines_dir.string() +
                             ": only growth was judged (record one with `leakgate baseline update "
                             "--scenario " +
                             manifest.name + "`)");
    } else {
      const auto mismatches = environment_mismatches(result, *baseline);
      if (!mismatches.empty() && options.strict_env) {
        std::string all;
        for (const auto& m : mismatches) all += "\n  " + m;
        throw InputError(baseline_path(options.baselines_dir, manifest.name).string(),
                         "/recordedWith",
                         "the environment differs (--strict-env); re-record the baseline in "
                         "this environment or run without --strict-env:" +
                             all);
      }
      result.notes.insert(result.notes.end(), mismatches.begin(), mismatches.end());
      if (baseline->calibration) {
        result.info.push_back("baseline tolerances from calibration over " +
                              std::to_string(baseline->calibration->runs) +
                              " runs (leakgate calibrate)");
      }
    }
  } catch (const InterruptedError&) {
    throw;
  } catch (...) {
    // Whatever went wrong stays with this scenario: the others still run and are reported.
    std::string message;
    result.error_kind = classify_exception(std::current_exception(), message);
    result.verdict = Verdict::kError;
    result.error = message;
  }
  result.met = meets(result.expected, result.verdict);
  // A canary must catch the leak it plants, not just any growth.
  for (const auto& expected : manifest.expect_findings) {
    const bool found =
        std::any_of(result.findings.begin(), result.findings.end(),
                    [&](const Finding& f) { return f.rule == "growth" && f.type == expected; });
    if (!found && result.verdict != Verdict::kError) {
      result.met = false;
      result.notes.push_back("the canary did not catch its planted leak: no growth finding on " +
                             expected + " (expectFindings)");
    }
  }
  if (temp) dumps.keep(temp->path(), raw_dir, result);
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

}  // namespace leakgate
