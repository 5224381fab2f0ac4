#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "process/interrupt.h"

// The catch ladder: every error surfaces here, is printed once, and becomes its exit code.
int main(int argc, char** argv) {
  using namespace leakgate;
  interrupt::install_handlers();

  CLI::App app{"leakgate: fails the build when a .NET scenario leaks managed memory"};
  app.set_version_flag("--version", std::string("leakgate ") + LEAKGATE_VERSION);
  app.require_subcommand(1);

  RunOptions run_options;
  CLI::App* run = app.add_subcommand(
      "run", "Run the scenarios and judge them against their baselines (exit 0, 1, 2 or 3)");
  add_run_options(*run, run_options);

  BaselineUpdateOptions update_options;
  CLI::App* baseline = app.add_subcommand("baseline", "Manage the checked-in baselines");
  baseline->require_subcommand(1);
  CLI::App* update = baseline->add_subcommand(
      "update", "Run the scenarios and record their baselines (values within tolerance are kept)");
  add_run_options(*update, update_options.run);
  update
      ->add_option("--accept-growth", update_options.accept_growth,
                   "Record per-iteration growth in a scenario expected to pass; the reason is "
                   "stored in the baseline")
      ->type_name("REASON");

  update->add_flag("--tighten", update_options.tighten,
                   "Narrow tolerance overrides that allow far more than the calibrated spread");

  CalibrateOptions calibrate_options;
  CLI::App* calibrate = app.add_subcommand(
      "calibrate", "Run one scenario N times and store the observed spread with its baseline");
  add_run_options(*calibrate, calibrate_options.run);
  calibrate->add_option("--runs", calibrate_options.runs, "How many runs")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str();

  SummaryOptions summary_options;
  CLI::App* summary = app.add_subcommand(
      "summary", "The memory summary of a running process by category (the vadump -sop view)");
  summary->add_option("--pid", summary_options.pid, "Process to summarise")->required();
  summary->add_flag("--json", summary_options.json, "JSON instead of the table");
  summary->add_flag("--modules", summary_options.modules, "Break Code/StaticData down per module");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }

  try {
    if (*run) return run_command(run_options);
    if (*update) return baseline_update_command(update_options);
    if (*summary) return summary_command(summary_options);
    if (*calibrate) return calibrate_command(calibrate_options);
    std::cerr << app.help();
    return kExitBadInput;
  } catch (const Error& e) {
    std::cerr << "leakgate: " << e.what() << "\n";
    return exit_code_for(e.kind());
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "leakgate: " << e.what() << "\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "leakgate: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
}
