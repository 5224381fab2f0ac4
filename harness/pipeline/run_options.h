#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "collect/collector.h"

namespace leakgate {

// Which heap dumps stay with the report (moved into reports/<scenario>/, mode 0600).
enum class KeepDumps { kNever, kOnFailure, kAlways };

// The plain settings of one run; the CLI fills it, the pipeline reads it.
struct RunOptions {
  std::filesystem::path scenarios_dir = "scenarios";
  std::filesystem::path baselines_dir = "baselines";
  std::filesystem::path report_dir = "reports";
  std::vector<std::string> scenarios;  // empty: every scenario under scenarios_dir
  KeepDumps keep_dumps = KeepDumps::kNever;
  std::uint64_t keep_dumps_max_mb = 4096;  // the kept dumps of a run together, at most
  bool quiet = false;                      // no progress lines on stderr
  bool verbose = false;                    // progress, and every tool command leakgate runs
  int jobs = 1;                            // scenarios run at once
  int shard_index = 1;  // --shard I/N: this run takes the I-th of N slices of the suite
  int shard_count = 1;
  bool strict_env = false;  // a fingerprint mismatch with the baseline is an error
  bool recording = false;   // the run is recording baselines (baseline update, calibrate)
  ToolSettings tools;
};

}  // namespace leakgate
