#include <iostream>

#include "baseline/baseline_recorder.h"
#include "baseline/calibration.h"
#include "cli/baseline_support.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/report_scope.h"
#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/work_tree.h"
#include "pipeline/progress.h"
#include "pipeline/suite.h"
#include "process/interrupt.h"
#include "report/json_report.h"
#include "report/report_files.h"
#include "report/text_summary.h"

namespace leakgate {

namespace {

constexpr std::size_t kChangesShown = 40;

// `file`: the baseline the changes go to.
void print_changes(const std::string& name, const std::vector<BaselineChange>& changes, bool is_new,
                   const std::filesystem::path& file) {
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
    std::cout << "  ... " << changes.size() - kChangesShown << " more"
              << (in_git_work_tree(file.parent_path()) ? " (git diff " + file.string() + ")"
                                                       : " (in " + file.string() + ")")
              << "\n";
  }
}

}  // namespace

int baseline_update_command(const BaselineUpdateOptions& options) {
  BaselineUpdateOptions o = options;
  o.run.recording = true;
  return with_fresh_report(o.run, [&] {
    const SuitePlan plan = plan_suite(o.run);
    const RunResult run = run_suite(plan, o.run);
    RunReport report = make_run_report(run, exit_code_for(run));
    std::vector<std::string> written;
    // The verdicts go to stdout first (they reach the log even when the disk is full), then the
    // report, which says what became of the baselines.
    const auto finish = [&](const char* status, int code, const std::string& error) {
      report.baseline_update = BaselineUpdate{status, written, error};
      report.exit_code = code;
      write_text_summary(std::cout, run, o.run.report_dir, use_colour(1));
      std::cout.flush();
      write_report_files(o.run.report_dir, report);
      return code;
    };

    int refused_code = kExitOk;
    std::string refused;
    for (const auto& s : run.scenarios) {
      if (auto why = refusal(s, o.accept_growth.has_value())) {
        std::cout << s.name << ": refusing to record a baseline: " << why->second << "\n";
        refused += (refused.empty() ? "" : "; ") + s.name + ": " + why->second;
        refused_code = std::max(refused_code, why->first);
      }
    }
    if (refused_code != kExitOk) {
      std::cout << "no baseline was written\n";
      return finish("refused", refused_code, refused);
    }

    std::vector<FileContent> files;
    for (std::size_t i = 0; i < run.scenarios.size(); ++i) {
      const ScenarioResult& s = run.scenarios[i];
      const Manifest& m = plan.manifests[i];
      const Baseline* previous = plan.baselines[i] ? &*plan.baselines[i] : nullptr;
      Baseline next = record_baseline(s.name, s.iterations, s.checkpoints.back(),
                                      recorded_with(s, run), m.verdict, previous);
      if (s.verdict == Verdict::kLeak && s.expected == Expectation::kPass) {
        next.accepted_growth = o.accept_growth;
      }
      if (o.tighten) {
        const int narrowed = tighten(next, loose_entries(next));
        std::cout << s.name << ": --tighten narrowed " << narrowed << " tolerance override(s)\n";
      }
      const auto changes = diff_baselines(previous, next);
      print_changes(s.name, changes, previous == nullptr,
                    baseline_path(o.run.baselines_dir, s.name));
      if (!changes.empty()) {
        files.push_back({baseline_path(o.run.baselines_dir, s.name), render_baseline(next)});
      }
    }
    // All of them or none: an interrupt up to the end of the renames, or a write that fails,
    // leaves every baseline as it was.
    try {
      std::filesystem::create_directories(o.run.baselines_dir);
      write_files_atomically(files, interrupt::check, interrupt::check);
    } catch (const InterruptedError&) {
      std::cout << "interrupted: no baseline was written\n";
      throw;
    } catch (...) {
      std::string message;
      const ErrorKind kind = classify_exception(std::current_exception(), message);
      std::cout << "no baseline was written: " << message << "\n";
      return finish("failed", exit_code_for(kind), message);
    }
    for (const auto& f : files) {
      std::cout << "  wrote " << f.path.string() << "\n";
      written.push_back(f.path.string());
    }
    return finish(files.empty() ? "unchanged" : "written", kExitOk, "");
  });
}

}  // namespace leakgate
