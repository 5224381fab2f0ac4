#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "process/interrupt.h"

namespace {

// SIGTERM when the parent ends (the signal's handler stops the children and unwinds); false when
// the parent `pid` is already gone.
bool exit_with_parent(pid_t pid) {
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  return ::getppid() == pid;
}

// The catch ladder: every error surfaces here, is printed once, and becomes its exit code.
int leakgate_main(int argc, char** argv) {
  using namespace leakgate;
  interrupt::install_handlers();

  CLI::App app{"leakgate: fails the build when a .NET scenario leaks managed memory"};
  app.set_version_flag("--version", std::string("leakgate ") + LEAKGATE_VERSION + " (commit " +
                                        LEAKGATE_COMMIT + ")");
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

  HeapstatOptions heapstat_options;
  CLI::App* heapstat = app.add_subcommand(
      "heapstat",
      "GC heap totals and objects per type of a running .NET process (eeheap -gc, "
      "dumpheap -stat), read by the heap engine (the process is paused while it reads) or "
      "from a heap dump that is then deleted");
  heapstat->add_option("--pid", heapstat_options.pid, "Process")->required();
  heapstat->add_flag("--json", heapstat_options.json, "JSON instead of the table");
  heapstat->add_flag("--live", heapstat_options.live,
                     "Count only reachable objects (read by SOS's dumpheap -live; slower)");
  add_tool_options(*heapstat, heapstat_options.tools);

  RootsOptions roots_options;
  CLI::App* roots = app.add_subcommand(
      "roots",
      "What keeps the instances of a type alive in a running .NET process, grouped by "
      "retention path: the heap engine follows every instance from every root (statics named), "
      "--engine sos samples a few with gcroot");
  roots->add_option("--pid", roots_options.pid, "Process")->required();
  roots->add_option("--type", roots_options.type, "Type name, key or part of a name")->required();
  roots
      ->add_option("--max", roots_options.max,
                   "Paths shown per type (engine); instances sampled per type (sos)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  roots->add_flag("--json", roots_options.json, "JSON instead of text");
  add_tool_options(*roots, roots_options.tools);

  GcOptions gc_options;
  CLI::App* gc = app.add_subcommand(
      "gc",
      "Make a running .NET process run a full blocking GC, from the outside (diagnostics IPC, "
      "as dotnet-gcdump does)");
  gc->add_option("--pid", gc_options.pid, "Process")->required();
  gc->add_option("--timeout", gc_options.timeout_seconds, "Seconds to wait for the runtime")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  RejudgeOptions rejudge_options;
  rejudge_options.run.report_dir.clear();
  CLI::App* rejudge = app.add_subcommand(
      "rejudge",
      "Judge a finished run again from the raw output it kept, with the current manifests, "
      "baselines and known leaks; nothing is launched");
  rejudge->add_option("recorded", rejudge_options.recorded, "The report folder of the run")
      ->required()
      ->type_name("REPORT_DIR");
  rejudge
      ->add_option("--scenario", rejudge_options.run.scenarios,
                   "Scenario to judge again (repeatable; default: all of the run)")
      ->type_name("NAME");
  add_folder_options(*rejudge, rejudge_options.run.scenarios_dir,
                     rejudge_options.run.baselines_dir);
  rejudge
      ->add_option("--report-dir", rejudge_options.run.report_dir,
                   "Where the new report goes (default: REPORT_DIR-rejudged)")
      ->type_name("DIR");
  rejudge->add_flag("--strict-env", rejudge_options.run.strict_env,
                    "Fail a scenario whose baseline was recorded in another environment");

  ReportMergeOptions merge_options;
  CLI::App* report = app.add_subcommand("report", "Work with report folders");
  report->require_subcommand(1);
  CLI::App* merge = report->add_subcommand(
      "merge",
      "Combine the reports of shards (--shard I/N) into one report, in every format; exits as "
      "the whole run would have");
  merge->add_option("--report-dir,--out", merge_options.out, "Folder of the merged report")
      ->capture_default_str();
  merge->add_option("dirs", merge_options.inputs, "The shards' report folders")->required();

  CheckOptions check_options;
  CLI::App* check = app.add_subcommand(
      "check",
      "Validate every manifest, baseline and known-leaks file without running anything; prints "
      "every problem (exit 2 if any)");
  add_folder_options(*check, check_options.scenarios_dir, check_options.baselines_dir);

  InitOptions init_options;
  CLI::App* init = app.add_subcommand(
      "init",
      "Write scenarios/NAME/scenario.json for an app that knows nothing of leakgate, run it once "
      "to check it, and print the next commands (never overwrites a scenario)");
  init->add_option("name", init_options.name, "The scenario's name (its folder)")->required();
  init->add_option("app", init_options.argv, "The app's command line, after --")->required();
  init->add_option("--get", init_options.get_paths, "A GET of the round trip (repeatable)")
      ->type_name("PATH");
  init->add_option("--post", init_options.post_paths, "A POST of the round trip (repeatable)")
      ->type_name("PATH");
  init->add_option("--body", init_options.post_body, "The body of every POST")
      ->capture_default_str();
  init->add_option("--command", init_options.commands,
                   "A control-protocol command of the round trip (repeatable), for an app that "
                   "speaks it")
      ->type_name("NAME");
  init->add_option("--iterations", init_options.iterations, "Round trips")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  init->add_flag("--no-run", init_options.no_run, "Write the manifest only");
  add_folder_options(*init, init_options.scenarios_dir, init_options.run.baselines_dir);
  init->add_option("--report-dir", init_options.run.report_dir, "Where the check run's report goes")
      ->type_name("DIR")
      ->capture_default_str();
  add_tool_options(*init, init_options.run.tools);

  RelayOptions relay_options;
  CLI::App* relay = app.add_subcommand(
      "relay",
      "Carry a scenario's control protocol between stdin/stdout and a Unix socket: the launched "
      "app of a scenario whose app is another process (launch.measure \"hello\"; "
      "LeakGate.Testing's test process)");
  relay->add_option("--socket", relay_options.socket, "The socket the app serves the protocol on")
      ->required()
      ->type_name("PATH");

  int exit_with = 0;
  app.add_option("--exit-with", exit_with,
                 "End (as on SIGTERM) when process PID, leakgate's parent, ends: for a caller that "
                 "may be killed without a chance to stop leakgate")
      ->type_name("PID");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }

  if (exit_with > 0 && !exit_with_parent(exit_with)) return kExitInterrupted;

  try {
    if (*run) return run_command(run_options);
    if (*update) return baseline_update_command(update_options);
    if (*summary) return summary_command(summary_options);
    if (*calibrate) return calibrate_command(calibrate_options);
    if (*heapstat) return heapstat_command(heapstat_options);
    if (*roots) return roots_command(roots_options);
    if (*gc) return gc_command(gc_options);
    if (*merge) return report_merge_command(merge_options);
    if (*rejudge) return rejudge_command(rejudge_options);
    if (*check) return check_command(check_options);
    if (*init) return init_command(init_options);
    if (*relay) return relay_command(relay_options);
    std::cerr << app.help();
    return kExitBadInput;
  } catch (...) {
    std::string message;
    const ErrorKind kind = classify_exception(std::current_exception(), message);
    std::cerr << "leakgate: " << message << "\n";
    return exit_code_for(kind);
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return leakgate_main(argc, argv);
  } catch (...) {  // building the command line itself failed (out of memory)
    std::cerr << "leakgate: internal error while reading the command line\n";
    return leakgate::kExitFailure;
  }
}
