#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/run_options.h"

namespace CLI {
class App;  // <CLI/CLI.hpp>, included where the command line is built (main.cpp, run_options.cpp)
}

namespace leakgate {

// One plain struct per subcommand; the CLI only fills them.
struct BaselineUpdateOptions {
  RunOptions run;
  std::optional<std::string> accept_growth;  // reason to record growth in a pass scenario
  bool tighten = false;  // narrow tolerance overrides far looser than the calibrated spread
};

struct CalibrateOptions {
  RunOptions run;
  int runs = 5;
};

struct HeapstatOptions {
  int pid = 0;
  bool json = false;
  bool live = false;
  ToolSettings tools;
};

struct RootsOptions {
  int pid = 0;
  std::string type;
  int max = 5;
  bool json = false;
  ToolSettings tools;
};

struct RejudgeOptions {
  std::filesystem::path recorded;  // the report folder of a finished run
  RunOptions run;                  // scenarios, baselines and the new report folder
};

struct ReportMergeOptions {
  std::filesystem::path out = "reports";
  std::vector<std::filesystem::path> inputs;
};

struct InitOptions {
  std::string name;
  std::vector<std::string> argv;  // the app, after --
  std::vector<std::string> get_paths;
  std::vector<std::string> post_paths;
  std::string post_body = "{}";
  std::vector<std::string> commands;
  int iterations = 20;
  bool no_run = false;
  std::filesystem::path scenarios_dir = "scenarios";
  RunOptions run;  // the check run: baselines, reports, tools
};

struct CheckOptions {
  std::filesystem::path scenarios_dir = "scenarios";
  std::filesystem::path baselines_dir = "baselines";
};

struct GcOptions {
  int pid = 0;
  double timeout_seconds = 120;
};

struct SummaryOptions {
  int pid = 0;
  bool json = false;
  bool modules = false;
};

struct RelayOptions {
  std::filesystem::path socket;
};

// --scenarios-dir and --baselines-dir.
void add_folder_options(CLI::App& command, std::filesystem::path& scenarios_dir,
                        std::filesystem::path& baselines_dir);
// Adds the options shared by every command that runs scenarios.
void add_run_options(CLI::App& command, RunOptions& options);
// --engine, --heap-engine, --dotnet-dump.
void add_tool_options(CLI::App& command, ToolSettings& tools);

int run_command(const RunOptions& options);
int baseline_update_command(const BaselineUpdateOptions& options);
int summary_command(const SummaryOptions& options);
int calibrate_command(const CalibrateOptions& options);
int heapstat_command(const HeapstatOptions& options);
int roots_command(const RootsOptions& options);
int rejudge_command(const RejudgeOptions& options);
int gc_command(const GcOptions& options);
int report_merge_command(const ReportMergeOptions& options);
int check_command(const CheckOptions& options);
int init_command(const InitOptions& options);
int relay_command(const RelayOptions& options);

}  // namespace leakgate
