// Fuzz target for report.json read as an input of `leakgate report merge` (a shard's report may
// come from another machine): any text is either rejected as JSON (read as leakgate reads files) or
// by parse_shard_report with a leakgate::Error. An accepted report merges, and the merge counts its
// scenarios.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

#include "common/errors.h"
#include "fuzz_json.h"
#include "fuzz_support.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/junit_report.h"
#include "report/markdown_report.h"
#include "report/merge.h"

namespace {

// The report's folder: made once per process (paths in the report are resolved against it, so it
// must exist and hold nothing a path could escape to), removed at exit.
class ReportFolder {
 public:
  ReportFolder() {
    std::string name = (std::filesystem::temp_directory_path() / "leakgate-fuzz-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = name;
  }
  ReportFolder(const ReportFolder&) = delete;
  ReportFolder& operator=(const ReportFolder&) = delete;
  ~ReportFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  static const ReportFolder folder;
  auto doc = fuzz::read_json(fuzz::text_of(data, size), "report.json");
  if (!doc) return 0;
  try {
    const ShardReport shard = parse_shard_report(*doc, folder.path());
    const RunReport merged = merge_reports({shard});
    fuzz::check(merged.run.scenarios.size() == shard.report.run.scenarios.size(),
                "merge: a scenario lost or added");
    fuzz::check(merged.met() + merged.unmet() == merged.scenarios(),
                "merge: the summary does not count the scenarios");
    // What report.json holds reads back as the same report, and every view renders it.
    const nlohmann::json written = report_to_json(merged);
    const nlohmann::json again = report_to_json(report_from_json(written, "report.json"));
    if (again != written)
      std::fprintf(stderr, "%s\n", nlohmann::json::diff(written, again).dump().c_str());
    fuzz::check(again == written, "report.json does not read back as the same report");
    (void)render_markdown(merged);
    (void)render_html(merged);
    (void)render_junit(merged);
  } catch (const Error&) {
  }
  return 0;
}
