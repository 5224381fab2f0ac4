#include "scenario/step.h"

#include "common/text_lines.h"

namespace leakgate {

std::string Step::describe() const {
  switch (kind) {
    case Kind::kCommand: {
      std::string s = "'" + command;
      for (const auto& a : args) s += " " + a;
      return s + "'";
    }
    case Kind::kExec: {
      std::string s = "exec";
      for (const auto& a : argv) s += " " + a;
      return s;
    }
    case Kind::kHttp:
      return "http " + method + " " + url;
    case Kind::kWaitForOutput:
      return "waitForOutput /" + pattern + "/ on " + stream;
    case Kind::kWaitForPort:
      return "waitForPort 127.0.0.1:" + std::to_string(port);
    case Kind::kRepeat:
      return "repeat " + std::to_string(times) + " times (${" + variable + "})";
    case Kind::kSleep:
      return "sleep " + text::seconds(sleep_seconds);
  }
  return "step";
}

std::string describe_statuses(const std::vector<StatusRange>& accepted) {
  std::string out;
  for (const auto& [low, high] : accepted) {
    if (!out.empty()) out += " or ";
    out += std::to_string(low);
    if (high != low) out += "-" + std::to_string(high);
  }
  return out;
}

}  // namespace leakgate
