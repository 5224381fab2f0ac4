#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/report_scope.h"
#include "pipeline/progress.h"
#include "pipeline/suite.h"
#include "process/interrupt.h"
#include "report/json_report.h"
#include "report/report_files.h"
#include "report/text_summary.h"

namespace leakgate {

int run_command(const RunOptions& options) {
  return with_fresh_report(options, [&] {
    const SuitePlan plan = plan_suite(options);
    const RunResult run = run_suite(plan, options);
    const int code = exit_code_for(run);
    // The verdicts reach the log first: printed even when the report cannot be written.
    write_text_summary(std::cout, run, options.report_dir, use_colour(1));
    std::cout.flush();
    interrupt::check();
    write_report_files(options.report_dir, make_run_report(run, code));
    return code;
  });
}

}  // namespace leakgate
