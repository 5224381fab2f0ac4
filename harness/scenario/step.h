#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenario/loopback_url.h"
#include "scenario/output_pattern.h"

namespace leakgate {

// One thing a scenario does to its app. `command` talks the control protocol; the others drive
// apps that know nothing of leakgate.
struct Step {
  enum class Kind { kCommand, kExec, kHttp, kWaitForOutput, kWaitForPort };
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
  int expect_status = 200;
  // waitForOutput: a regular expression (RE2 syntax) on the app's stdout, stderr or either,
  // compiled when the manifest is loaded
  std::string pattern;
  std::shared_ptr<const OutputPattern> regex;
  std::string stream = "any";
  // waitForPort: a TCP port on 127.0.0.1 accepting connections
  int port = 0;

  std::optional<double> timeout_seconds;  // overrides timeouts.commandSeconds

  // For messages: "'open-close 1'", "http GET http://127.0.0.1:5000/x", ...
  std::string describe() const;
};

}  // namespace leakgate
