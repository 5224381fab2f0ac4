#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

namespace leakgate {

// Writes every view of a report document into `report_dir`, each file atomically: report.json,
// junit.xml, summary.md and index.html. When $GITHUB_STEP_SUMMARY names a file, the Markdown
// summary is appended to it too.
void write_report_files(const std::filesystem::path& report_dir, const nlohmann::json& report);

}  // namespace leakgate
