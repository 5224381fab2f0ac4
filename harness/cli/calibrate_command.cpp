#include <iostream>

#include "baseline/baseline_recorder.h"
#include "baseline/calibration.h"
#include "cli/baseline_support.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/report_scope.h"
#include "common/errors.h"
#include "pipeline/suite.h"
#include "process/interrupt.h"
#include "report/json_report.h"
#include "report/report_files.h"

namespace leakgate {

namespace {

void print_calibration(const std::string& name, const Calibration& cal) {
  std::cout << name << ": calibrated over " << cal.runs << " runs\n";
  int steady = 0;
  auto show = [&](const std::map<std::string, Spread>& spreads, const char* unit) {
    for (const auto& [key, s] : spreads) {
      if (s.max == s.min) {
        ++steady;
        continue;
      }
      std::cout << "  " << key << ": " << s.min << " .. " << s.max << " " << unit << "\n";
    }
  };
  show(cal.type_counts, "instances");
  show(cal.memory_kb, "KB");
  std::cout << "  (" << steady << " other values identical in every run)\n";
}

int calibrate_scenario(const CalibrateOptions& o) {
  const SuitePlan plan = plan_suite(o.run);
  if (plan.manifests.size() != 1) {
    throw UsageError("calibrate: --shard " + std::to_string(o.run.shard_index) + "/" +
                     std::to_string(o.run.shard_count) + " leaves no scenario to calibrate");
  }
  const std::string& name = plan.manifests.front().name;
  std::vector<RunResult> runs;
  for (int i = 1; i <= o.runs; ++i) {
    if (!o.run.quiet)
      std::cerr << "leakgate: " << name << ": calibration run " << i << "/" << o.runs << "\n";
    runs.push_back(run_suite(plan, o.run));
    const ScenarioResult& s = runs.back().scenarios.front();
    if (auto why = refusal(s, false)) {
      write_report_files(o.run.report_dir, make_run_report(runs.back(), why->first));
      std::cout << name << ": calibration run " << i << " cannot be used: " << why->second
                << "\nno baseline was written\n";
      return why->first;
    }
  }
  std::vector<const Checkpoint*> finals;
  finals.reserve(runs.size());
  for (const auto& r : runs) finals.push_back(&r.scenarios.front().checkpoints.back());

  const Baseline* previous = plan.baselines.front() ? &*plan.baselines.front() : nullptr;
  const ScenarioResult& last = runs.back().scenarios.front();
  Baseline next = previous != nullptr
                      ? *previous
                      : record_baseline(name, last.iterations, last.checkpoints.back(),
                                        recorded_with(last, runs.back()),
                                        plan.manifests.front().verdict, nullptr);
  next.calibration = calibrate(finals);
  // Types the baseline leaves out as noise are kept only when they varied: the others would be
  // judged against zero anyway, and the file stays readable.
  std::erase_if(next.calibration->type_counts, [&](const auto& entry) {
    return next.types.count(entry.first) == 0 && entry.second.min == entry.second.max;
  });
  print_calibration(name, *next.calibration);
  for (const auto& entry : loose_entries(next)) {
    std::cout << "  loose: the override for " << entry.key << " allows +" << entry.allowed
              << ", calibration observed a margin of " << entry.calibrated
              << " (`leakgate baseline update --tighten` narrows it)\n";
  }
  interrupt::check();  // an interrupt up to here leaves the baseline as it was
  store_baseline(o.run.baselines_dir, next);
  write_report_files(o.run.report_dir, make_run_report(runs.back(), kExitOk));
  std::cout << "  wrote " << baseline_path(o.run.baselines_dir, name).string()
            << (previous == nullptr ? " (new baseline from the last run)" : "") << "\n";
  return kExitOk;
}

}  // namespace

int calibrate_command(const CalibrateOptions& options) {
  CalibrateOptions o = options;
  o.run.recording = true;
  if (o.run.scenarios.size() != 1) throw UsageError("calibrate takes exactly one --scenario");
  return with_fresh_report(o.run, [&] { return calibrate_scenario(o); });
}

}  // namespace leakgate
