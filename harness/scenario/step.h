#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scenario/loopback_url.h"
#include "scenario/output_pattern.h"

namespace leakgate {

// An HTTP status a step accepts: [low, high].
using StatusRange = std::pair<int, int>;

// One thing a scenario does to its app. `command` talks the control protocol; the others drive
// apps that know nothing of leakgate. Texts may hold the variables known only while the steps
// run (${iteration}, ${run}, a repeat's ${i}): StepVars binds them before the step runs.
struct Step {
  enum class Kind { kCommand, kExec, kHttp, kWaitForOutput, kWaitForPort, kRepeat, kSleep };
  Kind kind = Kind::kCommand;
  // command
  std::string command;
  std::vector<std::string> args;
  // exec
  std::vector<std::string> argv;
  int expect_exit = 0;
  // http (loopback only)
  std::string method = "GET";
  std::string url;
  LoopbackUrl target;  // the url, parsed and checked when the manifest is loaded
  std::map<std::string, std::string> headers;
  std::string body;
  std::vector<StatusRange> expect_status = {{200, 200}};
  std::string expect_body;  // a regular expression (RE2) the body must match somewhere, or ""
  std::shared_ptr<const OutputPattern> body_regex;
  // waitForOutput: a regular expression (RE2 syntax) on the app's stdout, stderr or either,
  // compiled when the manifest is loaded
  std::string pattern;
  std::shared_ptr<const OutputPattern> regex;
  std::string stream = "any";
  // waitForPort: a TCP port on 127.0.0.1 accepting connections
  int port = 0;
  // repeat: `steps`, `times` over, with `variable` bound to 0 .. times-1
  int times = 0;
  std::string variable = "i";
  std::vector<Step> steps;
  // sleep
  double sleep_seconds = 0;
  // Whether a text of the step holds a variable bound while the steps run.
  bool bound_at_run = false;

  std::optional<double> timeout_seconds;  // overrides timeouts.commandSeconds

  // For messages: "'open-close 1'", "http GET http://127.0.0.1:5000/x", ...
  std::string describe() const;
};

// "200", "200-299 or 404": for messages.
std::string describe_statuses(const std::vector<StatusRange>& accepted);

}  // namespace leakgate
