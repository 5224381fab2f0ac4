#include "common/errors.h"

#include <filesystem>
#include <new>
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

ErrorKind classify_exception(std::exception_ptr error, std::string& message) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const Error& e) {
    message = e.what();
    return e.kind();
  } catch (const std::filesystem::filesystem_error& e) {
    message = e.what();
    // A system call cut short by SIGINT or SIGTERM (EINTR in a copy, a read, a rename): the
    // interrupt, whichever operation it landed in, not a failing tool.
    return e.code() == std::errc::interrupted ? ErrorKind::kInterrupted : ErrorKind::kTool;
  } catch (const std::bad_alloc&) {
    message = "out of memory";
    return ErrorKind::kTool;
  } catch (const std::exception& e) {
    message = std::string("internal error: ") + e.what();
    return ErrorKind::kTool;
  } catch (...) {
    message = "internal error: an unknown exception";
    return ErrorKind::kTool;
  }
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
