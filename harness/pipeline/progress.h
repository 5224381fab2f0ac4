#pragma once

#include <mutex>
#include <string>

namespace leakgate {

// What a run says on stderr while it works: "leakgate: forms: iteration 10/20". On a terminal
// (and one scenario at a time) the line is redrawn in place; otherwise, and with --jobs, each is a
// line of its own. Quiet: nothing. Verbose: also every tool command (see set_spawn_trace).
// Thread-safe.
class Progress {
 public:
  enum class Level { kQuiet, kNormal, kVerbose };
  Progress(Level level, bool parallel);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void say(const std::string& scenario, const std::string& what) const;
  // A line that stays (a tool command in verbose mode), above the redrawn one.
  void note(const std::string& line) const;
  // Clears a line drawn in place (before the summary is printed).
  void finish() const;

 private:
  Level level_;
  bool in_place_;
  mutable bool drawn_ = false;
  mutable std::mutex mutex_;
};

// Whether to colour output on this stream: a terminal, NO_COLOR unset or empty, TERM not "dumb".
bool use_colour(int fd);

}  // namespace leakgate
