#include <iostream>
#include <set>

#include "baseline/baseline.h"
#include "baseline/known_leaks.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/report_scope.h"
#include "common/errors.h"
#include "common/json_reader.h"
#include "pipeline/dump_keeper.h"
#include "pipeline/progress.h"
#include "pipeline/recorded_source.h"
#include "pipeline/scenario_runner.h"
#include "report/json_report.h"
#include "report/report_files.h"
#include "report/text_summary.h"
#include "scenario/manifest.h"

namespace leakgate {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The recorded scenario's raw files, copied into the new report's folder (plain files only: the
// new report is whole on its own, and the recorded one is left as it was).
void copy_raw_output(const fs::path& from, const fs::path& to) {
  fs::remove_all(to);
  fs::create_directories(to);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    if (entry.is_regular_file() && !entry.is_symlink()) {
      fs::copy_file(entry.path(), to / entry.path().filename());
    }
  }
  if (ec)
    throw InputError(from.string(), "",
                     "cannot read the recorded scenario's folder: " + ec.message());
}

}  // namespace

int rejudge_command(const RejudgeOptions& o) {
  RunOptions options = o.run;
  if (options.report_dir.empty()) {
    options.report_dir = o.recorded.string() + "-rejudged";
  }
  if (folders_overlap(options.report_dir, o.recorded)) {
    throw UsageError("--report-dir " + options.report_dir.string() +
                     ": the re-judged report must go to a folder of its own, not into or around "
                     "the recorded one (" +
                     o.recorded.string() + ")");
  }
  const fs::path recorded_json = o.recorded / "report.json";
  const json recorded = read_json_file(recorded_json.string());
  const auto scenarios = recorded.find("scenarios");
  if (!recorded.is_object() || scenarios == recorded.end() || !scenarios->is_array()) {
    throw InputError(recorded_json.string(), "/scenarios", "not a leakgate report");
  }
  // Every manifest and baseline is read before anything is written.
  const auto known_leaks = load_known_leaks(options.baselines_dir);
  std::vector<Manifest> manifests;
  std::vector<std::optional<Baseline>> baselines;
  std::vector<const json*> entries;
  for (const auto& s : *scenarios) {
    const std::string name = s.is_object() ? string_or(s, "name") : "";
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
      throw InputError(recorded_json.string(), "/scenarios", "a scenario without a plain name");
    }
    if (!options.scenarios.empty() && std::find(options.scenarios.begin(), options.scenarios.end(),
                                                name) == options.scenarios.end()) {
      continue;
    }
    manifests.push_back(load_manifest(options.scenarios_dir / name));
    baselines.push_back(load_baseline(options.baselines_dir, name));
    entries.push_back(&s);
  }
  check_run_folders(options);
  return with_fresh_report(options, [&] {
    RunResult run;
    if (const auto tools = recorded.find("tools"); tools != recorded.end() && tools->is_object()) {
      for (const auto& [tool, version] : tools->items()) {
        if (version.is_string()) run.tools[tool] = version.get<std::string>();
      }
    }
    DumpKeeper dumps(KeepDumps::kNever, 0);
    std::set<std::size_t> applicable, used;
    for (std::size_t i = 0; i < manifests.size(); ++i) {
      const Manifest& m = manifests[i];
      const auto known = known_leaks_for(known_leaks, m.name, applicable);
      copy_raw_output(o.recorded / m.name, options.report_dir / m.name);
      RecordedSource source(*entries[i]);
      ScenarioResult result = run_scenario(m, baselines[i], known, options, source, dumps);
      used.insert(result.known_leaks_used.begin(), result.known_leaks_used.end());
      run.seconds += result.seconds;
      run.scenarios.push_back(std::move(result));
    }
    run.stale_known_leaks = stale_known_leaks(known_leaks, applicable, used);
    const int code = exit_code_for(run);
    write_text_summary(std::cout, run, options.report_dir, use_colour(1));
    std::cout.flush();
    write_report_files(options.report_dir, make_run_report(run, code));
    return code;
  });
}

}  // namespace leakgate
