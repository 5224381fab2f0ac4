#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace leakgate {

// Every failure leakgate reports is one of these kinds (classify_exception gives the kind of any
// exception); cli/exit_codes.cpp maps each kind to the exit code of the contract, in one place.
enum class ErrorKind {
  kUsage,        // bad command line
  kInput,        // invalid manifest, baseline or other input file
  kScenario,     // the scenario app crashed, hung, broke the protocol
  kTool,         // dotnet-dump or another tool is missing or failed
  kInterrupted,  // SIGINT/SIGTERM while running
};

// "usage", "input", "scenario", "tool", "interrupted" (report.json's errorKind), and back;
// parse_error_kind returns false for an unknown name.
const char* error_kind_name(ErrorKind kind);
bool parse_error_kind(const std::string& name, ErrorKind& out);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Invalid input: names the file and the field (a JSON pointer) or line.
class InputError : public Error {
 public:
  InputError(const std::string& file, const std::string& where, const std::string& what)
      : Error(ErrorKind::kInput, file + (where.empty() ? "" : ": " + where) + ": " + what) {}
};

class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(ErrorKind::kUsage, message) {}
};

class ScenarioError : public Error {
 public:
  explicit ScenarioError(const std::string& message) : Error(ErrorKind::kScenario, message) {}
};

class ToolError : public Error {
 public:
  explicit ToolError(const std::string& message) : Error(ErrorKind::kTool, message) {}
};

class InterruptedError : public Error {
 public:
  InterruptedError() : Error(ErrorKind::kInterrupted, "interrupted") {}
};

// A child process could not be started (fork, pipe, exec or chdir failed): names the program.
// Callers that know whose program it was (the app, a tool) rethrow it as their own kind.
class SpawnError : public Error {
 public:
  explicit SpawnError(const std::string& message) : Error(ErrorKind::kTool, message) {}
};

// Every exception leakgate can meet, as one of the kinds above: an Error keeps its kind, a
// filesystem error is a tool (I/O) failure, anything else (a bug) is a tool failure too, with
// its message. Used where one scenario's failure must not abort the others.
ErrorKind classify_exception(std::exception_ptr error, std::string& message);

// A parser met text it does not understand; carries the 1-based line number. The text comes from
// a tool (SOS, /proc) unless the caller says otherwise, so by itself it is a tool failure.
class ParseError : public Error {
 public:
  ParseError(std::size_t line, const std::string& what)
      : Error(ErrorKind::kTool, "line " + std::to_string(line) + ": " + what), line_(line) {}
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

}  // namespace leakgate
