#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
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

namespace leakgate {

struct SpawnSpec {
  std::vector<std::string> argv;           // argv[0] is looked up on PATH; never a shell string
  std::filesystem::path cwd;               // empty: the harness's own
  std::map<std::string, std::string> env;  // set on top of the inherited environment
  bool stdin_pipe = false;                 // otherwise stdin is /dev/null
  bool stdout_lines = false;               // queue stdout lines for next_line()
  std::filesystem::path stdout_log;        // when set, every byte is also written here
  std::filesystem::path stderr_log;
  std::size_t keep_bytes = std::numeric_limits<std::size_t>::max();  // per stream, the tail kept
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

// Failure to start a child (exec failed, fork failed): names the program.
class SpawnError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A child process that the harness owns: it runs in its own process group, its stdout and stderr
// are drained concurrently by reader threads (a chatty child never blocks on a full pipe), and the
// destructor kills the whole group and reaps it on every path. The child also gets SIGKILL if the
// harness dies (PR_SET_PDEATHSIG).
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

 private:
  struct Stream;
  void start_reader(Stream& stream, int fd, const std::filesystem::path& log);
  std::optional<ExitStatus> poll_exit();
  void join_readers();

  pid_t pid_ = -1;
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
