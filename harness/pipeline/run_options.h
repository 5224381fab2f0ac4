#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "collect/collector.h"

namespace leakgate {

// The plain settings of one run; the CLI fills it, the pipeline reads it.
struct RunOptions {
  std::filesystem::path scenarios_dir = "scenarios";
  std::filesystem::path baselines_dir = "baselines";
  std::filesystem::path report_dir = "reports";
  std::vector<std::string> scenarios;  // empty: every scenario under scenarios_dir
  bool keep_dumps = false;
  bool quiet = false;       // no progress lines on stderr
  bool strict_env = false;  // a fingerprint mismatch with the baseline is an error
  ToolSettings tools;
};

}  // namespace leakgate
