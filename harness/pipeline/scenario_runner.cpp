#include "pipeline/scenario_runner.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/deadline.h"
#include "common/errors.h"
#include "process/temp_dir.h"
#include "verdict/expected_findings.h"
#include "verdict/verdict.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

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

// Growth that one step carries is undecided (GrowthShape::kOneStep): a live run goes on for
// another stretch as long as its last, at most this many times, and is judged on every checkpoint.
constexpr int kMaxExtensions = 2;

std::string joined(const std::vector<std::string>& parts) {
  std::string all;
  for (const auto& p : parts) all += (all.empty() ? "" : "; ") + p;
  return all;
}

}  // namespace

ScenarioResult run_scenario(const Manifest& manifest, const std::optional<Baseline>& baseline,
                            const std::vector<KnownLeak>& known_leaks, const RunOptions& options,
                            ScenarioSource& source, DumpKeeper& dumps) {
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
    if (source.writes_raw_output()) {
      fs::remove_all(raw_dir);
      fs::create_directories(raw_dir);
      temp.emplace("leakgate-" + manifest.name);
    }
    // The verdict on the first `count` checkpoints (all of them by default).
    const auto judge_checkpoints = [&](std::size_t count = SIZE_MAX) {
      Evidence evidence{
          {}, manifest.iterations, manifest.verdict, baseline ? &*baseline : nullptr, &known_leaks};
      for (const auto& cp : result.checkpoints) {
        if (evidence.checkpoints.size() == count) break;
        evidence.checkpoints.push_back(&cp);
      }
      return judge(evidence);
    };
    int extensions = 0;
    const ScenarioSource::MoreIterations more = [&] {
      const auto& cps = result.checkpoints;
      if (extensions == kMaxExtensions || cps.size() < 2) return 0;
      const int stretch = cps.back().iteration - cps[cps.size() - 2].iteration;
      if (stretch <= 0 || judge_checkpoints().one_step_growth.empty()) return 0;
      ++extensions;
      return stretch;
    };
    source.drive(manifest, raw_dir, temp ? temp->path() : fs::path(), result, more);
    // Why each extended checkpoint was taken (said again when a recorded run is judged anew).
    for (std::size_t k = 1; k < result.checkpoints.size(); ++k) {
      const auto& cp = result.checkpoints[k];
      if (!cp.label.starts_with(kExtendedLabel)) continue;
      const auto one_step = judge_checkpoints(k).one_step_growth;
      if (one_step.empty()) continue;
      result.notes.push_back(joined(one_step) +
                             ": one step carries most of the growth; the run went on for " +
                             std::to_string(cp.iteration - result.checkpoints[k - 1].iteration) +
                             " more iterations to tell a one-off step from a leak");
    }
    Judgement judgement = judge_checkpoints();
    result.verdict = judgement.verdict;
    result.findings = std::move(judgement.findings);
    result.suppressed = std::move(judgement.suppressed);
    result.known_leaks_used = std::move(judgement.known_leaks_used);
    for (auto& note : judgement.notes) result.notes.push_back(std::move(note));
    source.explain(manifest, raw_dir, result);
    if (!baseline) {
      result.notes.push_back(
          "no baseline in " + options.baselines_dir.string() + ": only growth was judged" +
          (options.recording
               ? std::string()
               : " (record one with `leakgate baseline update --scenario " + manifest.name + "`)"));
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
  if (result.verdict != Verdict::kError) {
    for (auto& note : uncaught_expected_findings(manifest.expect_findings, result.findings)) {
      result.met = false;
      result.notes.push_back(std::move(note));
    }
  }
  if (temp) dumps.keep(temp->path(), raw_dir, result);
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

}  // namespace leakgate
