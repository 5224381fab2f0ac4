#include "pipeline/suite.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/deadline.h"
#include "common/errors.h"
#include "pipeline/dump_keeper.h"
#include "pipeline/live_source.h"
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
  if (options.shard_count > 1) {
    // Round-robin over the names in order: a stable, even slice.
    std::sort(dirs.begin(), dirs.end());
    std::vector<fs::path> slice;
    for (std::size_t i = 0; i < dirs.size(); ++i) {
      if (static_cast<int>(i % static_cast<std::size_t>(options.shard_count)) ==
          options.shard_index - 1) {
        slice.push_back(dirs[i]);
      }
    }
    dirs = std::move(slice);
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
  const std::size_t count = plan.manifests.size();
  const std::size_t workers = std::max<std::size_t>(
      1, std::min<std::size_t>(static_cast<std::size_t>(options.jobs), count));
  const Progress progress(options.quiet     ? Progress::Level::kQuiet
                          : options.verbose ? Progress::Level::kVerbose
                                            : Progress::Level::kNormal,
                          workers > 1);
  DumpKeeper dumps(options.keep_dumps, options.keep_dumps_max_mb);
  std::vector<std::vector<KnownLeak>> known(count);
  std::set<std::size_t> applicable;
  for (std::size_t i = 0; i < count; ++i) {
    known[i] = known_leaks_for(plan.known_leaks, plan.manifests[i].name, applicable);
  }
  // Each worker has its own collectors (they hold per-tool state) and takes the next scenario;
  // results land in plan order. The first exception (an interrupt) stops the taking and is
  // rethrown once every worker has returned.
  std::vector<ScenarioResult> results(count);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  std::vector<std::map<std::string, std::string>> versions(workers);
  const auto work = [&](std::size_t worker) {
    try {
      auto collectors = make_collectors(tools);
      LiveSource source(options, collectors, progress);
      for (std::size_t i = next++; i < count; i = next++) {
        results[i] =
            run_scenario(plan.manifests[i], plan.baselines[i], known[i], options, source, dumps);
      }
      for (const auto& c : collectors) versions[worker].merge(c->tool_versions());
    } catch (...) {
      const std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = count;
    }
  };
  if (workers == 1) {
    work(0);
  } else {
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w) threads.emplace_back(work, w);
    for (auto& t : threads) t.join();
  }
  progress.finish();
  if (failure) std::rethrow_exception(failure);
  std::set<std::size_t> used;
  for (auto& r : results) {
    used.insert(r.known_leaks_used.begin(), r.known_leaks_used.end());
    run.scenarios.push_back(std::move(r));
  }
  for (auto& v : versions) run.tools.merge(v);
  run.stale_known_leaks = stale_known_leaks(plan.known_leaks, applicable, used);
  run.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return run;
}

}  // namespace leakgate
