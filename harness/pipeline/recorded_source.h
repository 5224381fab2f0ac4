#pragma once

#include <nlohmann/json.hpp>

#include "pipeline/scenario_source.h"

namespace leakgate {

// The checkpoints of a finished run, read again from the raw output it kept (for `leakgate
// rejudge`, and for tests of the pipeline on recorded runs): each checkpoint named in the
// scenario's entry of the recorded report.json is rebuilt from its files in the scenario's report
// folder (the heap engine's heapstat line or SOS's text; smaps, status and the memory inputs),
// never from the numbers the report printed. Nothing is launched.
class RecordedSource : public ScenarioSource {
 public:
  // `recorded`: the scenario's object in the recorded report.json.
  explicit RecordedSource(nlohmann::json recorded) : recorded_(std::move(recorded)) {}
  bool writes_raw_output() const override { return false; }
  // InputError naming the file when a raw file is missing, outside the folder or unreadable.
  void drive(const Manifest& manifest, const std::filesystem::path& raw_dir,
             const std::filesystem::path& temp, ScenarioResult& result,
             const MoreIterations& more) override;
  // The retention paths are the recorded run's (they do not depend on tolerances).
  void explain(const Manifest& manifest, const std::filesystem::path& raw_dir,
               ScenarioResult& result) override;

 private:
  nlohmann::json recorded_;
};

}  // namespace leakgate
