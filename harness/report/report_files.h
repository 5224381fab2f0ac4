#pragma once

#include <filesystem>

#include "report/run_report.h"

namespace leakgate {

// Writes every view of a report into `report_dir`, each file atomically: report.json,
// junit.xml, summary.md and index.html. When $GITHUB_STEP_SUMMARY names a file, the Markdown
// summary is appended to it too.
// Text that is not UTF-8 is replaced (U+FFFD) first, so no view can fail on what an app printed.
void write_report_files(const std::filesystem::path& report_dir, const RunReport& report);

// Removes the views a previous run left in `report_dir` (report.json, junit.xml, summary.md,
// index.html), so a run that cannot finish never leaves an older result behind as if current.
void remove_report_files(const std::filesystem::path& report_dir);

}  // namespace leakgate
