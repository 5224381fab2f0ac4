#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "model/snapshot.h"
#include "process/child_process.h"
#include "scenario/manifest.h"
#include "scenario/protocol.h"

namespace leakgate {

// A running scenario app, driven over the control protocol. The constructor launches the app and
// waits for its hello; every failure (no hello, an error reply, the app exiting, a deadline) is a
// ScenarioError that says what was being done and ends with the tail of the app's stderr. The
// destructor stops the app's whole process group if shutdown() did not.
class ScenarioSession {
 public:
  // Logs go to <log_dir>/app.stdout.log, app.stderr.log and protocol.log.
  ScenarioSession(const Manifest& manifest, const std::filesystem::path& log_dir);
  ~ScenarioSession();
  ScenarioSession(const ScenarioSession&) = delete;
  ScenarioSession& operator=(const ScenarioSession&) = delete;

  const RuntimeFacts& runtime() const { return runtime_; }
  // The process read at checkpoints: the launched one, or with launch.measure "hello" the one its
  // hello named (checked: the launched one's descendant or leakgate's parent, the same user).
  pid_t pid() const { return measured_ > 0 ? measured_ : child_->pid(); }

  // Sends one protocol command step and returns the payload of its ok reply.
  std::string run(const Step& step);
  bool speaks_protocol() const { return manifest_.protocol; }
  // What the app printed so far (the last 64 KiB of each stream).
  std::string output(const std::string& stream) const;
  // Fails (as below) when the app has exited.
  void check_alive(const std::string& doing);
  // Stops the app's process group and throws a ScenarioError that says what was being done and
  // ends with the tail of the app's stderr (and stdout, for apps without the protocol).
  [[noreturn]] void fail(const std::string& doing, const std::string& what);
  // A line of protocol.log from the step runner or the settler: a step's outcome, a reading.
  void log_step(const std::string& line) { note("=", line); }
  // The built-in settle command: full blocking compacting GC, finalizers, GC again.
  std::string settle();
  // Asks the app to quit and waits for it to exit; kills the group if it does not in time.
  // Returns false when the app had to be killed.
  bool shutdown();
  // What the report should say about the app's logs once it has exited: output dropped beyond
  // launch.logLimitBytes, a log that could not be written in full (a full disk).
  // With `ended`, waits (briefly) for the streams to end first, so the figures are final.
  std::vector<std::string> log_notes(bool ended);

 private:
  std::string request(const std::string& command, const std::vector<std::string>& args,
                      double timeout_seconds);
  // The next protocol message, skipping ordinary output. Fails (with `doing`) on a deadline, a
  // malformed message, or the app exiting: a grandchild may hold stdout open after the app died,
  // so exit is watched directly rather than through end-of-file.
  protocol::Message next_message(Deadline deadline, const std::string& doing,
                                 const std::string& timeout_text);
  void note(const std::string& direction, const std::string& line);
  // launch.measure "hello": the pid the hello names, checked.
  pid_t measured_from_hello();

  const Manifest& manifest_;
  std::unique_ptr<ChildProcess> child_;
  std::ofstream transcript_;
  RuntimeFacts runtime_;
  pid_t measured_ = 0;
  std::uint64_t next_seq_ = 1;
  Clock::time_point started_;
};

}  // namespace leakgate
