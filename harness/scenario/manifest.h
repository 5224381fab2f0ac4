#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/expectation.h"
#include "model/verdict_settings.h"
#include "scenario/step.h"

namespace leakgate {

struct Timeouts {
  double start_seconds = 60;     // launch until the hello line
  double command_seconds = 60;   // one step until its reply
  double settle_seconds = 120;   // one settle until its reply
  double collect_seconds = 300;  // one tool run (dump, analyze)
  double shutdown_seconds = 15;  // quit until the app has exited
};

// How a checkpoint's heap is brought to rest before it is measured.
enum class SettleMethod {
  kApp,        // the app's `settle` command (GC, finalizers, GC): needs the protocol
  kInducedGc,  // a full blocking GC induced from the outside over the diagnostics IPC (.NET)
  kLiveOnly,   // no settle: count only reachable objects (dumpheap -stat -live)
};

// Settling that proves itself: settle again until two consecutive measurements agree.
struct SettleSettings {
  SettleMethod method = SettleMethod::kApp;  // default: kApp with the protocol, else kInducedGc
  int max_rounds = 6;
  std::uint64_t heap_tolerance_bytes = 8192;  // the app's own heap figure (heapBytes=)
  std::uint64_t rss_tolerance_kb = 512;       // the process's resident memory
};

// Bounds of the retention-path analysis of findings (steps 6 and 7).
struct RetentionSettings {
  // retention.from "process": read from the live app before it is stopped (no dump); else from a
  // dump of the final checkpoint
  bool from_process = false;
  // retention.census "onGrowth": where objects hang is counted at the first intermediate
  // checkpoint at which a type has more instances than at the warm-up (none when nothing grew
  // before the final one); else ("warmup") at the warm-up checkpoint. A leak's new objects are
  // those of places that gained objects since that census.
  bool census_on_growth = false;
  int max_types = 10;
  int samples = 5;
  int max_hops = 32;
  double seconds = 120;
};

struct Manifest {
  std::string name;                 // the scenario folder's name
  std::filesystem::path file;       // .../<name>/scenario.json
  std::filesystem::path directory;  // .../<name>
  std::string description;
  Expectation expect = Expectation::kPass;
  // A canary's proof: these types (keys) or memory categories must each have a leak finding.
  std::vector<std::string> expect_findings;
  std::vector<std::string> argv;
  std::filesystem::path cwd;  // absolute
  bool protocol = true;       // the app speaks the control protocol (else: ready steps, no settle)
  // launch.measure "hello": the process read is the one the hello names (pid=), not the one
  // launched (a launcher, or `leakgate relay` in front of a test process)
  bool measure_hello = false;
  int port = 0;                            // a free loopback port, when the manifest uses ${port}
  std::map<std::string, std::string> env;  // launch.env plus the defaults below
  // launch.logLimitBytes: the most of each of the app's streams kept in its log file (its head
  // and its tail; the report says how much was dropped in between)
  std::uint64_t log_limit_bytes = std::uint64_t{8} << 20;
  std::vector<std::string> defaulted_env;  // "NAME=value" set by leakgate, not by the manifest
  Timeouts timeouts;
  SettleSettings settle;
  RetentionSettings retention;
  std::vector<Step> ready;  // after launch, until the app can take work (e.g. waitForPort)
  std::vector<Step> warmup;
  std::vector<Step> iteration;
  int iterations = 0;
  // Heap checkpoints between the warm-up and the final one: 2, so growth is fitted on 4 points
  // (with 3, one late jump cannot be told from a steady rise: docs/verdicts.md).
  int intermediate_checkpoints = 2;
  VerdictSettings verdict;
};

// Reads and validates `<dir>/scenario.json`. Throws InputError naming the file and the field.
Manifest load_manifest(const std::filesystem::path& scenario_dir);

// The same checks on a manifest already read as JSON (`scenario_dir` names the scenario and is
// what relative paths resolve against); no file is read.
Manifest parse_manifest(const nlohmann::json& doc, const std::filesystem::path& scenario_dir);

// The scenario folders under `scenarios_dir` (those holding a scenario.json), sorted by name.
std::vector<std::filesystem::path> find_scenarios(const std::filesystem::path& scenarios_dir);

}  // namespace leakgate
