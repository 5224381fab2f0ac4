#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/deadline.h"
#include "common/errors.h"

namespace leakgate {

struct SpawnSpec {
  std::vector<std::string> argv;           // argv[0] is looked up on PATH; never a shell string
  std::filesystem::path cwd;               // empty: the harness's own
  std::map<std::string, std::string> env;  // set on top of the inherited environment
  bool stdin_pipe = false;                 // otherwise stdin is /dev/null
  bool stdout_lines = false;               // queue stdout lines for next_line()
  std::string line_prefix;  // with stdout_lines: only lines that start with it are queued
  std::size_t max_line_bytes = std::size_t{1} << 20;  // a longer stdout line is cut here
  std::filesystem::path stdout_log;  // when set, the stream is also written here ...
  std::filesystem::path stderr_log;
  // ... up to this many bytes per stream: the first half as it comes, the last half when the
  // stream ends, with a line in between that says how much was dropped (a flood of output never
  // fills the disk). 0: no limit.
  std::uint64_t log_limit_bytes = 0;
  std::size_t keep_bytes = std::size_t{64} << 20;  // per stream, the tail kept in memory
  // Kill what the child left outside its process group when it is done (see ChildProcess). Off
  // only where the caller wants to see what was left (a test of the child's own cleanup).
  bool sweep_descendants = true;
};

// What became of a stream's log file.
struct LogStats {
  std::uint64_t total_bytes = 0;    // what the child wrote to the stream
  std::uint64_t dropped_bytes = 0;  // left out of the log (log_limit_bytes)
  std::string write_error;          // the first failed write (a full disk), or ""
};

// Called with the argv and working directory of every child about to be started (--verbose);
// none by default. Set it before starting children; the callback must be thread-safe.
void set_spawn_trace(std::function<void(const SpawnSpec&)> trace);

struct ExitStatus {
  bool signaled = false;
  int value = 0;  // exit code, or the signal number when signaled
  bool success() const { return !signaled && value == 0; }
  std::string describe() const;
};

// A child process that the harness owns: it runs in its own process group, its stdout and stderr
// are drained concurrently by reader threads (a chatty child never blocks on a full pipe), and the
// destructor kills the whole tree it started and reaps it on every path: its process group, and
// every descendant that left the group (setsid, a double fork), found by the mark in their
// environment and by parentage; the harness is a child subreaper (PR_SET_CHILD_SUBREAPER), so
// orphans of the tree become its children rather than init's and are reaped here. The child also
// gets SIGKILL if the harness dies (PR_SET_PDEATHSIG).
class ChildProcess {
 public:
  explicit ChildProcess(const SpawnSpec& spec);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Returns false when the child no longer reads its stdin.
  bool write_line(std::string_view line);
  void close_stdin();

  enum class LineStatus { kLine, kTimeout, kEnd };
  // The next stdout line (needs stdout_lines); kEnd once stdout is closed and drained.
  LineStatus next_line(std::string& line, Deadline deadline);

  // Waits until the child exits or the deadline passes.
  std::optional<ExitStatus> wait(Deadline deadline);
  std::optional<ExitStatus> exit_status() const { return status_; }

  // SIGTERM to the group, up to `grace` for the child to exit, then SIGKILL to the group; reaps.
  void terminate(std::chrono::milliseconds grace);

  // Waits until both output streams are closed and read (the child and any grandchildren that
  // inherited them have exited), or the deadline passes.
  void drain(Deadline deadline);

  // What the streams kept (all of it, or the last keep_bytes), once or while running.
  std::string stdout_text() const;
  std::string stderr_text() const;

  // Final once the stream has ended (drain).
  LogStats stdout_log_stats() const;
  LogStats stderr_log_stats() const;

 private:
  struct Stream;
  static void start_reader(Stream& stream, int fd, const std::filesystem::path& log);
  void kill_descendants();
  std::optional<ExitStatus> poll_exit();
  void join_readers();

  pid_t pid_ = -1;
  std::string owner_mark_;
  bool sweep_descendants_ =
      true;  // LEAKGATE_OWNER=<value> in the environment of everything it starts
  int stdin_fd_ = -1;
  std::optional<ExitStatus> status_;
  std::unique_ptr<Stream> out_;
  std::unique_ptr<Stream> err_;
};

struct ToolRun {
  ExitStatus status;
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs a tool to completion, draining its output, and kills it when the deadline passes.
ToolRun run_to_completion(const SpawnSpec& spec, Deadline deadline);

// "a b 'c d'": argv rendered for messages, quoted where a word needs it.
std::string render_argv(const std::vector<std::string>& argv);

}  // namespace leakgate
