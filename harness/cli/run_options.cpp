#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace leakgate {

void add_tool_options(CLI::App& command, ToolSettings& tools) {
  command
      .add_option("--engine", tools.heap_reader,
                  "What reads the heap: 'engine' (leakgate's heap engine on ClrMD, attached to "
                  "the app; no dump file) or 'sos' (a heap dump read by SOS through dotnet-dump)")
      ->transform(
          CLI::CheckedTransformer(std::map<std::string, HeapReader>{{"engine", HeapReader::kEngine},
                                                                    {"sos", HeapReader::kSos}},
                                  CLI::ignore_case))
      ->default_str("engine");
  command
      .add_option("--heap-engine", tools.heap_engine,
                  "The heap engine's executable (default: $LEAKGATE_HEAP_ENGINE, or "
                  "heap-engine/leakgate-heap-engine beside leakgate)")
      ->type_name("PATH");
  command
      .add_option("--dotnet-dump", tools.dotnet_dump,
                  "dotnet-dump executable (default: $LEAKGATE_DOTNET_DUMP, PATH, or the "
                  "dotnet local tool of the repo)")
      ->type_name("PATH");
}

void add_folder_options(CLI::App& command, std::filesystem::path& scenarios_dir,
                        std::filesystem::path& baselines_dir) {
  command.add_option("--scenarios-dir", scenarios_dir, "Folder of <name>/scenario.json")
      ->type_name("DIR")
      ->capture_default_str();
  command.add_option("--baselines-dir", baselines_dir, "Folder of <name>.json baselines")
      ->type_name("DIR")
      ->capture_default_str();
}

void add_run_options(CLI::App& command, RunOptions& o) {
  command.add_option("--scenario", o.scenarios, "Scenario to run (repeatable; default: all)")
      ->type_name("NAME");
  add_folder_options(command, o.scenarios_dir, o.baselines_dir);
  command.add_option("--report-dir", o.report_dir, "Where report.json and raw output go")
      ->type_name("DIR")
      ->capture_default_str();
  command
      .add_option_function<std::string>(
          "--keep-dumps",
          [&o](const std::string& v) {
            o.keep_dumps = v == "never"        ? KeepDumps::kNever
                           : v == "on-failure" ? KeepDumps::kOnFailure
                                               : KeepDumps::kAlways;  // "always", or no value
          },
          "Heap dumps kept with the report: never (default), on-failure (the scenarios that "
          "missed their expectation), always; --keep-dumps alone means always")
      ->expected(0, 1)
      ->check(CLI::IsMember({"never", "on-failure", "always", ""}))
      ->type_name("WHEN");
  command
      .add_option("--keep-dumps-max-mb", o.keep_dumps_max_mb,
                  "The kept dumps of a run together, at most (MiB); beyond it a dump is "
                  "deleted and the report says so")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("-j,--jobs", o.jobs, "Scenarios run at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command
      .add_option_function<std::string>(
          "--shard",
          [&o](const std::string& v) {
            const auto slash = v.find('/');
            try {
              if (slash == std::string::npos) throw std::invalid_argument(v);
              std::size_t used = 0;
              o.shard_index = std::stoi(v.substr(0, slash), &used);
              if (used != slash) throw std::invalid_argument(v);
              o.shard_count = std::stoi(v.substr(slash + 1), &used);
              if (used != v.size() - slash - 1) throw std::invalid_argument(v);
            } catch (const std::exception&) {
              throw CLI::ValidationError("--shard", "'" + v + "' is not I/N (e.g. 1/2)");
            }
            if (o.shard_count < 1 || o.shard_index < 1 || o.shard_index > o.shard_count) {
              throw CLI::ValidationError("--shard", "'" + v + "': need 1 <= I <= N");
            }
          },
          "Run the I-th of N slices of the suite (scenarios in name order, dealt round-robin); "
          "combine the shards' reports with `leakgate report merge`")
      ->type_name("I/N");
  command.add_flag("-q,--quiet", o.quiet, "No progress lines on stderr");
  command.add_flag("-v,--verbose", o.verbose,
                   "Progress, and every tool command leakgate runs, on stderr");
  command.add_flag("--strict-env", o.strict_env,
                   "Fail a scenario whose baseline was recorded in another environment (runtime, "
                   "GC settings, architecture, container memory limit)");
  add_tool_options(command, o.tools);
}

}  // namespace leakgate
