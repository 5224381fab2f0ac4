#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "baseline/known_leaks.h"
#include "common/errors.h"
#include "model/expectation.h"
#include "model/leak.h"
#include "model/snapshot.h"
#include "verdict/finding.h"
#include "verdict/verdict.h"

namespace leakgate {

// A heap dump kept with the report (--keep-dumps).
struct KeptDump {
  std::string checkpoint;  // its label
  std::string path;        // absolute
  std::uint64_t bytes = 0;
};

// Everything known about one scenario after a run: the one result model every writer reads.
struct ScenarioResult {
  std::string name;
  std::string description;
  Expectation expected = Expectation::kPass;
  Verdict verdict = Verdict::kError;
  bool met = false;  // the verdict is what the scenario expects
  std::vector<Finding> findings;
  LeakAnalysis leak_analysis;              // the findings grouped into leaks (the heap engine)
  std::vector<Suppressed> suppressed;      // findings on checked-in known leaks
  std::set<std::size_t> known_leaks_used;  // KnownLeak::index
  std::optional<std::string> error;        // when verdict is error
  std::optional<ErrorKind> error_kind;
  std::vector<std::string> notes;  // warnings a reader should see (no baseline, runtime mismatch)
  std::vector<std::string> info;   // how it was measured (report.json only)
  RuntimeFacts runtime;
  int iterations = 0;
  std::vector<Checkpoint> checkpoints;
  bool has_baseline = false;
  std::string report_subdir;  // raw output, relative to the report dir
  std::vector<KeptDump> kept_dumps;
  double seconds = 0;
};

// Whether `verdict` is what a scenario expecting `expected` should end with: a canary (expect
// leak) meets its expectation only when the leak is caught.
bool meets(Expectation expected, Verdict verdict);

struct RunResult {
  std::vector<ScenarioResult> scenarios;
  std::map<std::string, std::string> tools;  // external tool name → version
  std::vector<KnownLeak> stale_known_leaks;  // entries for the scenarios run that matched nothing
  double seconds = 0;
};

}  // namespace leakgate
