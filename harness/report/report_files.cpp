#include "report/report_files.h"

#include <cstdlib>
#include <fstream>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/json_reader.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/junit_report.h"
#include "report/markdown_report.h"

namespace leakgate {

namespace {

// Written again by every run: replaced atomically, not waited for on the disk.
constexpr Durability kReport = Durability::kRewrittenEachRun;

constexpr const char* kViews[] = {"report.json", "junit.xml", "summary.md", "index.html"};

}  // namespace

void remove_report_files(const std::filesystem::path& report_dir) {
  for (const char* view : kViews) {
    std::error_code ec;
    std::filesystem::remove(report_dir / view, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      throw ToolError("cannot remove the previous " + (report_dir / view).string() + ": " +
                      ec.message());
    }
  }
}

void write_report_files(const std::filesystem::path& report_dir, const RunReport& report) {
  // Every view is rendered from the document as report.json holds it (text made valid UTF-8),
  // read back into the model: what a reader sees in one view is what the others say.
  const nlohmann::json valid = with_valid_utf8(report_to_json(report));
  const RunReport model = report_from_json(valid, (report_dir / "report.json").string());
  std::filesystem::create_directories(report_dir);
  const std::string markdown = render_markdown(model);
  write_file_atomically(report_dir / "report.json", dump_json(valid, 2) + "\n", kReport);
  write_file_atomically(report_dir / "junit.xml", render_junit(model), kReport);
  write_file_atomically(report_dir / "summary.md", markdown, kReport);
  write_file_atomically(report_dir / "index.html", render_html(model), kReport);
  if (const char* step_summary = std::getenv("GITHUB_STEP_SUMMARY");
      step_summary != nullptr && *step_summary != '\0') {
    std::ofstream out(step_summary, std::ios::app);
    out << markdown << "\n";
    if (!out)
      throw ToolError(std::string("cannot append to $GITHUB_STEP_SUMMARY (") + step_summary + ")");
  }
}

}  // namespace leakgate
