#include "pipeline/suite.h"

#include <algorithm>
#include <set>

#include "common/deadline.h"
#include "common/errors.h"
#include "pipeline/progress.h"
#include "pipeline/scenario_runner.h"

namespace leakgate {

namespace fs = std::filesystem;

SuitePlan plan_suite(const RunOptions& options) {
  SuitePlan plan;
  std::vector<fs::path> dirs;
  if (options.scenarios.empty()) {
    dirs = find_scenarios(options.scenarios_dir);
    if (dirs.empty()) {
      throw InputError(options.scenarios_dir.string(), "", "holds no <name>/scenario.json");
    }
  } else {
    for (const auto& name : options.scenarios) {
      const fs::path dir = options.scenarios_dir / name;
      if (!fs::exists(dir / "scenario.json")) {
        throw UsageError("unknown scenario '" + name + "': no " + (dir / "scenario.json").string());
      }
      if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
    }
  }
  plan.known_leaks = load_known_leaks(options.baselines_dir);
  for (const auto& dir : dirs) {
    plan.manifests.push_back(load_manifest(dir));
    plan.baselines.push_back(load_baseline(options.baselines_dir, plan.manifests.back().name));
  }
  return plan;
}

RunResult run_suite(const SuitePlan& plan, const RunOptions& options) {
  const auto started = Clock::now();
  RunResult run;
  fs::create_directories(options.report_dir);
  ToolSettings tools = options.tools;
  if (tools.tool_search_from.empty()) {
    tools.tool_search_from = {options.scenarios_dir, fs::current_path()};
  }
  auto collectors = make_collectors(tools);
  const Progress progress(options.quiet);
  std::set<std::size_t> used;
  std::set<std::size_t> applicable;
  for (std::size_t i = 0; i < plan.manifests.size(); ++i) {
    std::vector<KnownLeak> known;
    for (const auto& leak : plan.known_leaks) {
      if (leak.scenario == "*" || leak.scenario == plan.manifests[i].name) {
        known.push_back(leak);
        applicable.insert(leak.index);
      }
    }
    run.scenarios.push_back(
        run_scenario(plan.manifests[i], plan.baselines[i], known, options, collectors, progress));
    used.insert(run.scenarios.back().known_leaks_used.begin(),
                run.scenarios.back().known_leaks_used.end());
  }
  for (const auto& leak : plan.known_leaks) {
    if (applicable.count(leak.index) != 0 && used.count(leak.index) == 0) {
      run.stale_known_leaks.push_back(leak);
    }
  }
  for (const auto& c : collectors) run.tools.merge(c->tool_versions());
  run.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return run;
}

}  // namespace leakgate
