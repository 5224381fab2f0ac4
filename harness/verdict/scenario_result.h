#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/errors.h"
#include "model/expectation.h"
#include "model/snapshot.h"
#include "verdict/finding.h"

namespace leakgate {

// Everything known about one scenario after a run: the one result model every writer reads.
struct ScenarioResult {
  std::string name;
  std::string description;
  Expectation expected = Expectation::kPass;
  Verdict verdict = Verdict::kError;
  bool met = false;  // the verdict is what the scenario expects
  std::vector<Finding> findings;
  std::optional<std::string> error;  // when verdict is error
  std::optional<ErrorKind> error_kind;
  std::vector<std::string> notes;  // warnings a reader should see (no baseline, runtime mismatch)
  std::vector<std::string> info;   // how it was measured (report.json only)
  RuntimeFacts runtime;
  int iterations = 0;
  std::vector<Checkpoint> checkpoints;
  bool has_baseline = false;
  std::string report_subdir;  // raw output, relative to the report dir
  double seconds = 0;
};

// Whether `verdict` is what a scenario expecting `expected` should end with: a canary (expect
// leak) meets its expectation only when the leak is caught.
bool meets(Expectation expected, Verdict verdict);

struct RunResult {
  std::vector<ScenarioResult> scenarios;
  std::map<std::string, std::string> tools;  // external tool name → version
  double seconds = 0;
};

}  // namespace leakgate
