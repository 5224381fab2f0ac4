#include "report/report_files.h"

#include <cstdlib>
#include <fstream>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "report/html_report.h"
#include "report/junit_report.h"
#include "report/markdown_report.h"

namespace leakgate {

void write_report_files(const std::filesystem::path& report_dir, const nlohmann::json& report) {
  std::filesystem::create_directories(report_dir);
  const std::string markdown = render_markdown(report);
  write_file_atomically(report_dir / "report.json", report.dump(2) + "\n");
  write_file_atomically(report_dir / "junit.xml", render_junit(report));
  write_file_atomically(report_dir / "summary.md", markdown);
  write_file_atomically(report_dir / "index.html", render_html(report));
  if (const char* step_summary = std::getenv("GITHUB_STEP_SUMMARY");
      step_summary != nullptr && *step_summary != '\0') {
    std::ofstream out(step_summary, std::ios::app);
    out << markdown << "\n";
    if (!out)
      throw ToolError(std::string("cannot append to $GITHUB_STEP_SUMMARY (") + step_summary + ")");
  }
}

}  // namespace leakgate
