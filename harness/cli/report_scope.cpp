#include "cli/report_scope.h"

#include <exception>

#include "cli/exit_codes.h"
#include "common/errors.h"
#include "report/json_report.h"
#include "report/report_files.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

// Whether `a` is `b` or one holds the other (both canonical).
bool overlap(const fs::path& a, const fs::path& b) {
  const auto within = [](const fs::path& inner, const fs::path& outer) {
    const fs::path rel = inner.lexically_relative(outer);
    return !rel.empty() && *rel.begin() != "..";
  };
  return within(a, b) || within(b, a);
}

}  // namespace

bool folders_overlap(const fs::path& a, const fs::path& b) {
  return overlap(fs::weakly_canonical(fs::absolute(a)), fs::weakly_canonical(fs::absolute(b)));
}

void check_run_folders(const RunOptions& o) {
  std::error_code ec;
  if (fs::exists(o.report_dir, ec) && !fs::is_directory(o.report_dir, ec)) {
    throw UsageError("--report-dir " + o.report_dir.string() + " exists and is not a folder");
  }
  const fs::path report = fs::weakly_canonical(fs::absolute(o.report_dir));
  const std::pair<const char*, const fs::path*> inputs[] = {{"--scenarios-dir", &o.scenarios_dir},
                                                            {"--baselines-dir", &o.baselines_dir}};
  for (const auto& [option, dir] : inputs) {
    const fs::path input = fs::weakly_canonical(fs::absolute(*dir));
    if (overlap(report, input)) {
      throw UsageError("--report-dir " + o.report_dir.string() + " and " + option + " " +
                       dir->string() +
                       " overlap (one is, or holds, the other): a run replaces what is in its "
                       "report folder; choose a report folder of its own");
    }
  }
}

int with_fresh_report(const RunOptions& o, const std::function<int()>& body) {
  check_run_folders(o);
  return with_fresh_report(o.report_dir, body);
}

int with_fresh_report(const fs::path& report_dir, const std::function<int()>& body) {
  remove_report_files(report_dir);
  try {
    return body();
  } catch (...) {
    std::string message;
    const ErrorKind kind = classify_exception(std::current_exception(), message);
    try {
      write_report_files(report_dir,
                         aborted_run_report(error_kind_name(kind), message, exit_code_for(kind)));
    } catch (...) {  // NOLINT(bugprone-empty-catch): the original error is the one to report
    }
    throw;
  }
}

}  // namespace leakgate
