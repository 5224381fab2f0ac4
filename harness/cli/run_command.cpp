#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "pipeline/suite.h"
#include "report/json_report.h"
#include "report/text_summary.h"

namespace leakgate {

int run_command(const RunOptions& options) {
  const SuitePlan plan = plan_suite(options);
  const RunResult run = run_suite(plan, options);
  const int code = exit_code_for(run);
  write_json_report(options.report_dir, run, code);
  write_text_summary(std::cout, run, options.report_dir);
  return code;
}

}  // namespace leakgate
