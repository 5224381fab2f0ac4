#include "cli/commands.h"

namespace leakgate {

void add_run_options(CLI::App& command, RunOptions& o) {
  command.add_option("--scenario", o.scenarios, "Scenario to run (repeatable; default: all)")
      ->type_name("NAME");
  command.add_option("--scenarios-dir", o.scenarios_dir, "Folder of <name>/scenario.json")
      ->type_name("DIR")
      ->capture_default_str();
  command.add_option("--baselines-dir", o.baselines_dir, "Folder of <name>.json baselines")
      ->type_name("DIR")
      ->capture_default_str();
  command.add_option("--report-dir", o.report_dir, "Where report.json and raw output go")
      ->type_name("DIR")
      ->capture_default_str();
  command.add_flag("--keep-dumps", o.keep_dumps,
                   "Keep the heap dumps (moved into the report folder); default: delete them");
  command.add_flag("-q,--quiet", o.quiet, "No progress lines on stderr");
  command.add_flag("--strict-env", o.strict_env,
                   "Fail a scenario whose baseline was recorded in another environment (runtime, "
                   "GC settings, architecture, container memory limit)");
  command
      .add_option("--dotnet-dump", o.tools.dotnet_dump,
                  "dotnet-dump executable (default: $LEAKGATE_DOTNET_DUMP, PATH, or the "
                  "dotnet local tool of the repo)")
      ->type_name("PATH");
}

}  // namespace leakgate
