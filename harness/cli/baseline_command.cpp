#include <iostream>

#include "baseline/baseline_recorder.h"
#include "baseline/calibration.h"
#include "cli/baseline_support.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "pipeline/progress.h"
#include "pipeline/suite.h"
#include "report/json_report.h"
#include "report/report_files.h"
#include "report/text_summary.h"

namespace leakgate {

namespace {

constexpr std::size_t kChangesShown = 40;

void print_changes(const std::string& name, const std::vector<BaselineChange>& changes,
                   bool is_new) {
  if (changes.empty()) {
    std::cout << name << ": unchanged (every value within tolerance of the baseline)\n";
    return;
  }
  std::cout << name << ": " << (is_new ? "new baseline, " : "") << changes.size() << " change(s)\n";
  for (std::size_t i = 0; i < changes.size() && i < kChangesShown; ++i) {
    const auto& c = changes[i];
    switch (c.kind) {
      case BaselineChange::Kind::kAdded:
        std::cout << "  + " << c.key << ": " << c.after;
        break;
      case BaselineChange::Kind::kRemoved:
        std::cout << "  - " << c.key << ": " << c.before;
        break;
      case BaselineChange::Kind::kChanged:
        std::cout << "  ~ " << c.key << ": " << c.before << " -> " << c.after;
        break;
    }
    std::cout << "\n";
  }
  if (changes.size() > kChangesShown) {
    std::cout << "  ... " << changes.size() - kChangesShown << " more (see git diff)\n";
  }
}

}  // namespace

int baseline_update_command(const BaselineUpdateOptions& o) {
  const SuitePlan plan = plan_suite(o.run);
  const RunResult run = run_suite(plan, o.run);
  write_report_files(o.run.report_dir, report_to_json(run, exit_code_for(run)));

  int refused_code = kExitOk;
  for (const auto& s : run.scenarios) {
    if (auto why = refusal(s, o.accept_growth.has_value())) {
      std::cout << s.name << ": refusing to record a baseline: " << why->second << "\n";
      refused_code = std::max(refused_code, why->first);
    }
  }
  if (refused_code != kExitOk) {
    std::cout << "no baseline was written\n";
    write_text_summary(std::cout, run, o.run.report_dir, use_colour(1));
    return refused_code;
  }

  for (std::size_t i = 0; i < run.scenarios.size(); ++i) {
    const ScenarioResult& s = run.scenarios[i];
    const Manifest& m = plan.manifests[i];
    const Baseline* previous = plan.baselines[i] ? &*plan.baselines[i] : nullptr;
    Baseline next = record_baseline(s.name, m.iterations, s.checkpoints.back(),
                                    recorded_with(s, run), m.verdict, previous);
    if (s.verdict == Verdict::kLeak && s.expected == Expectation::kPass) {
      next.accepted_growth = o.accept_growth;
    }
    if (o.tighten) {
      const int narrowed = tighten(next, loose_entries(next));
      std::cout << s.name << ": --tighten narrowed " << narrowed << " tolerance override(s)\n";
    }
    const auto changes = diff_baselines(previous, next);
    print_changes(s.name, changes, previous == nullptr);
    if (!changes.empty()) {
      store_baseline(o.run.baselines_dir, next);
      std::cout << "  wrote " << baseline_path(o.run.baselines_dir, s.name).string() << "\n";
    }
  }
  return kExitOk;
}

}  // namespace leakgate
