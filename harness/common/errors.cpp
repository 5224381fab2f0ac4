#include "common/errors.h"

#include <utility>

namespace leakgate {

namespace {

constexpr std::pair<ErrorKind, const char*> kNames[] = {
    {ErrorKind::kUsage, "usage"},
    {ErrorKind::kInput, "input"},
    {ErrorKind::kScenario, "scenario"},
    {ErrorKind::kTool, "tool"},
    {ErrorKind::kInterrupted, "interrupted"},
};

}  // namespace

const char* error_kind_name(ErrorKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "tool";
}

bool parse_error_kind(const std::string& name, ErrorKind& out) {
  for (const auto& [k, n] : kNames) {
    if (name == n) {
      out = k;
      return true;
    }
  }
  return false;
}

}  // namespace leakgate
