#include "scenario/step.h"

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
  }
  return "step";
}

}  // namespace leakgate
