#pragma once

#include <filesystem>
#include <functional>

#include "scenario/manifest.h"
#include "verdict/scenario_result.h"

namespace leakgate {

// Where a scenario's checkpoints come from, for run_scenario: a live run (LiveSource: launch the
// app, drive it, read it with the collectors) or a recorded one (RecordedSource: the raw output
// of a finished run, read again). Everything after the checkpoints (verdict, notes, reports) is
// the same for both.
class ScenarioSource {
 public:
  // Asked by a live run after its last checkpoint, and again after each it adds: how many more
  // iterations to run before one more checkpoint (0: the run is over).
  using MoreIterations = std::function<int()>;

  virtual ~ScenarioSource() = default;
  // A live run writes raw output into the scenario's report folder, which is emptied first; a
  // recorded run reads it from there and leaves it as it is.
  virtual bool writes_raw_output() const = 0;
  // Fills result.runtime and result.checkpoints (and the notes and info of getting them).
  // `temp` is a private folder for dumps (a live run only).
  virtual void drive(const Manifest& manifest, const std::filesystem::path& raw_dir,
                     const std::filesystem::path& temp, ScenarioResult& result,
                     const MoreIterations& more) = 0;
  // The retention paths of the managed findings, from the final checkpoint.
  virtual void explain(const Manifest& manifest, const std::filesystem::path& raw_dir,
                       ScenarioResult& result) = 0;
};

// Notes, once, that the app's finalizer thread did not drain the finalization queue at a settle.
void note_finalizer_blocked(ScenarioResult& result);

}  // namespace leakgate
