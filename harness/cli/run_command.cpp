#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "pipeline/progress.h"
#include "pipeline/suite.h"
#include "report/json_report.h"
#include "report/report_files.h"
#include "report/text_summary.h"

namespace leakgate {

int run_command(const RunOptions& options) {
  const SuitePlan plan = plan_suite(options);
  const RunResult run = run_suite(plan, options);
  const int code = exit_code_for(run);
  write_report_files(options.report_dir, report_to_json(run, code));
  write_text_summary(std::cout, run, options.report_dir, use_colour(1));
  return code;
}

}  // namespace leakgate
