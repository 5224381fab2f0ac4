#pragma once

#include <memory>
#include <vector>

#include "collect/collector.h"
#include "pipeline/progress.h"
#include "pipeline/run_options.h"
#include "pipeline/scenario_source.h"
#include "scenario/session.h"

namespace leakgate {

// A scenario run for real: launch, handshake, warm-up, settle, checkpoint; the round trips,
// settle, checkpoint; shut down. The collectors read the app at each checkpoint and explain the
// findings from the final one.
class LiveSource : public ScenarioSource {
 public:
  LiveSource(const RunOptions& options, std::vector<std::unique_ptr<Collector>>& collectors,
             const Progress& progress)
      : options_(options), collectors_(collectors), progress_(progress) {}
  bool writes_raw_output() const override { return true; }
  void drive(const Manifest& manifest, const std::filesystem::path& raw_dir,
             const std::filesystem::path& temp, ScenarioResult& result,
             const MoreIterations& more) override;
  void explain(const Manifest& manifest, const std::filesystem::path& raw_dir,
               ScenarioResult& result) override;

 private:
  const RunOptions& options_;
  // The app of the last drive(), still running when retention.from is "process".
  std::unique_ptr<ScenarioSession> running_;
  std::vector<std::unique_ptr<Collector>>& collectors_;
  const Progress& progress_;
};

}  // namespace leakgate
