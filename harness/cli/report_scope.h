#pragma once

#include <filesystem>
#include <functional>

#include "pipeline/run_options.h"

namespace leakgate {

// Refuses (UsageError, exit 2) a report folder that is, contains or lies inside the scenarios or
// baselines folder, or that is not a folder: a run replaces what it writes there, and must never
// replace a manifest or a baseline. Checked before anything is written or removed.
void check_run_folders(const RunOptions& options);

// Whether folder `a` is `b` or one holds the other (compared canonical: symlinks and ".." count).
bool folders_overlap(const std::filesystem::path& a, const std::filesystem::path& b);

// Runs `body` (a run, a baseline update, a calibration) after the folder checks and after removing
// the previous run's views from the report folder; when `body` throws (bad input, an interrupt, a
// failure outside any scenario), a report that says the run was aborted takes their place (as far
// as the disk allows) and the exception goes on to main's catch ladder. Returns body's exit code.
int with_fresh_report(const RunOptions& options, const std::function<int()>& body);
// The same for any command that writes a report folder (report merge), without the folder checks.
int with_fresh_report(const std::filesystem::path& report_dir, const std::function<int()>& body);

}  // namespace leakgate
