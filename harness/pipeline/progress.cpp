#include "pipeline/progress.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

#include "process/child_process.h"

namespace leakgate {

namespace {

bool is_terminal(int fd) {
  const char* term = std::getenv("TERM");
  return ::isatty(fd) == 1 && (term == nullptr || std::strcmp(term, "dumb") != 0);
}

std::string quoted(const std::string& arg) {
  if (!arg.empty() && arg.find_first_of(" \t'\"$\\") == std::string::npos) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

bool use_colour(int fd) {
  const char* no_colour = std::getenv("NO_COLOR");
  return is_terminal(fd) && (no_colour == nullptr || *no_colour == '\0');
}

Progress::Progress(Level level, bool parallel)
    : level_(level), in_place_(level != Level::kQuiet && !parallel && is_terminal(2)) {
  if (level_ == Level::kVerbose) {
    set_spawn_trace([this](const SpawnSpec& spec) {
      std::string line = "$";
      for (const auto& arg : spec.argv) line += " " + quoted(arg);
      if (!spec.cwd.empty()) line += "   (in " + spec.cwd.string() + ")";
      note(line);
    });
  }
}

Progress::~Progress() {
  if (level_ == Level::kVerbose) set_spawn_trace(nullptr);
  finish();
}

void Progress::say(const std::string& scenario, const std::string& what) const {
  if (level_ == Level::kQuiet) return;
  const std::lock_guard<std::mutex> lock(mutex_);
  const std::string line = "leakgate: " + scenario + ": " + what;
  if (in_place_) {
    std::cerr << "\r\033[K" << line << std::flush;
    drawn_ = true;
  } else {
    std::cerr << line << std::endl;
  }
}

void Progress::note(const std::string& line) const {
  if (level_ == Level::kQuiet) return;
  const std::lock_guard<std::mutex> lock(mutex_);
  if (drawn_) std::cerr << "\r\033[K";
  std::cerr << "leakgate: " << line << std::endl;
  drawn_ = false;
}

void Progress::finish() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (drawn_) std::cerr << "\r\033[K" << std::flush;
  drawn_ = false;
}

}  // namespace leakgate
