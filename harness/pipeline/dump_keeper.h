#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>

#include "pipeline/run_options.h"
#include "verdict/scenario_result.h"

namespace leakgate {

// Decides which heap dumps of a run stay with the report (--keep-dumps never|on-failure|always)
// and moves them there, within one size cap for the whole run (--keep-dumps-max-mb). Shared by
// the scenarios running at once.
class DumpKeeper {
 public:
  DumpKeeper(KeepDumps policy, std::uint64_t max_mb)
      : policy_(policy), budget_bytes_(max_mb * 1024 * 1024) {}

  // After the verdict: moves the *.dmp files left in `temp_dir` into `raw_dir` (mode 0600) when
  // the policy keeps this scenario's dumps and the cap allows, and lists them in the result; a
  // dump over the cap is left for the temp dir's owner to delete and a note says so.
  void keep(const std::filesystem::path& temp_dir, const std::filesystem::path& raw_dir,
            ScenarioResult& result);

 private:
  KeepDumps policy_;
  std::uint64_t budget_bytes_;
  std::uint64_t used_bytes_ = 0;
  std::mutex mutex_;
};

}  // namespace leakgate
