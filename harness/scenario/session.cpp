#include "scenario/session.h"

#include <unistd.h>

#include <charconv>
#include <csignal>

#include "common/errors.h"
#include "common/text_lines.h"
#include "process/interrupt.h"
#include "process/process_tree.h"

namespace leakgate {

namespace {

constexpr std::size_t kStderrTailLines = 15;

}  // namespace

ScenarioSession::ScenarioSession(const Manifest& manifest, const std::filesystem::path& log_dir)
    : manifest_(manifest), started_(Clock::now()) {
  std::filesystem::create_directories(log_dir);
  transcript_.open(log_dir / "protocol.log");
  SpawnSpec spec;
  spec.argv = manifest.argv;
  spec.cwd = manifest.cwd;
  spec.env = manifest.env;
  spec.stdin_pipe = true;
  spec.stdout_lines = manifest.protocol;  // a protocol app's stdout is read line by line
  spec.line_prefix = std::string(protocol::kPrefix);  // other stdout lines are only logged
  spec.stdout_log = log_dir / "app.stdout.log";
  spec.stderr_log = log_dir / "app.stderr.log";
  spec.log_limit_bytes = manifest.log_limit_bytes;
  spec.keep_bytes = std::size_t{64} * 1024;
  try {
    child_ = std::make_unique<ChildProcess>(spec);
  } catch (const SpawnError& e) {
    throw ScenarioError("scenario '" + manifest.name + "': " + e.what() + " (launch in " +
                        manifest.file.string() + ")");
  }
  note("*", "launched pid " + std::to_string(child_->pid()) + ": " + render_argv(spec.argv));

  if (!manifest.protocol) return;  // readiness is the manifest's `ready` steps
  const Deadline deadline = Deadline::after_seconds(manifest.timeouts.start_seconds);
  const std::string doing = "waiting for the hello line";
  const protocol::Message hello = next_message(deadline, doing,
                                               "no hello within timeouts.startSeconds (" +
                                                   text::seconds(manifest.timeouts.start_seconds) +
                                                   "); does the app use the protocol library?");
  if (hello.kind != protocol::Message::Kind::kHello) {
    fail(doing, "the first message was not hello");
  }
  if (hello.version != protocol::kVersion) {
    fail("handshake", "the app speaks protocol version " + std::to_string(hello.version) +
                          ", leakgate speaks " + std::to_string(protocol::kVersion));
  }
  runtime_.protocol_version = hello.version;
  runtime_.facts = hello.facts;
  if (manifest.measure_hello) {
    measured_ = measured_from_hello();
    note("*", "measuring pid " + std::to_string(measured_) + " (named by the hello)");
  }
}

pid_t ScenarioSession::measured_from_hello() {
  const std::string doing = "handshake (launch.measure \"hello\")";
  const auto named = runtime_.facts.find("pid");
  if (named == runtime_.facts.end()) fail(doing, "the hello names no process (pid=)");
  pid_t pid = 0;
  const std::string& text = named->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc() || end != text.data() + text.size() || pid <= 1) {
    fail(doing, "the hello's pid=" + text + " is not a process id");
  }
  if (!process_tree::owner_of(pid)) fail(doing, "the hello's process " + text + " does not exist");
  if (*process_tree::owner_of(pid) != ::getuid()) {
    fail(doing, "the hello's process " + text + " belongs to another user");
  }
  if (pid != ::getppid() && !process_tree::descends_from(pid, child_->pid())) {
    fail(doing, "the hello's process " + text +
                    " is neither the launched process's descendant nor leakgate's parent");
  }
  return pid;
}

protocol::Message ScenarioSession::next_message(Deadline deadline, const std::string& doing,
                                                const std::string& timeout_text) {
  std::string line;
  while (true) {
    const Deadline slice(std::min(deadline.remaining(), std::chrono::milliseconds(100)));
    const auto status = child_->next_line(line, slice);
    if (status == ChildProcess::LineStatus::kEnd) fail(doing, "");
    if (status == ChildProcess::LineStatus::kTimeout) {
      if (child_->wait(Deadline(std::chrono::milliseconds(0)))) fail(doing, "");
      if (deadline.expired()) fail(doing, timeout_text);
      continue;
    }
    try {
      if (auto msg = protocol::parse_app_line(line)) {
        note("<", line);
        return *msg;
      }
    } catch (const ParseError& e) {
      fail(doing, std::string("protocol error: ") + e.what() + ": " + line);
    }
  }
}

ScenarioSession::~ScenarioSession() = default;

void ScenarioSession::note(const std::string& direction, const std::string& line) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
  transcript_ << ms << " ms " << direction << " " << line << '\n';
  transcript_.flush();
}

void ScenarioSession::fail(const std::string& doing, const std::string& what) {
  interrupt::check();
  std::string message = "scenario '" + manifest_.name + "': " + doing + ": ";
  if (what.empty()) {
    // The app closed stdout: it exited (or is about to). Report how.
    const auto status = child_->wait(Deadline(std::chrono::seconds(5)));
    message += status ? "the app exited (" + status->describe() + ")" : "the app closed its stdout";
  } else {
    message += what;
  }
  child_->terminate(std::chrono::milliseconds(1000));
  child_->drain(Deadline(std::chrono::seconds(2)));
  const std::string tail = text::tail_lines(child_->stderr_text(), kStderrTailLines);
  if (!tail.empty()) message += "\n  app stderr (last lines):" + tail;
  if (!manifest_.protocol) {
    const std::string out = text::tail_lines(child_->stdout_text(), kStderrTailLines);
    if (!out.empty()) message += "\n  app stdout (last lines):" + out;
  }
  note("!", message);
  throw ScenarioError(message);
}

std::string ScenarioSession::request(const std::string& command,
                                     const std::vector<std::string>& args, double timeout_seconds) {
  const std::uint64_t seq = next_seq_++;
  const std::string line = protocol::format_request(seq, command, args);
  Step step;
  step.command = command;
  step.args = args;
  const std::string doing = "step " + step.describe();
  note(">", line);
  if (!child_->write_line(line)) fail(doing, "");
  const protocol::Message msg = next_message(Deadline::after_seconds(timeout_seconds), doing,
                                             "no reply within " + text::seconds(timeout_seconds));
  if (msg.kind == protocol::Message::Kind::kHello) fail(doing, "unexpected second hello");
  if (msg.seq != seq) {
    fail(doing, "reply to request " + std::to_string(msg.seq) + " while waiting for " +
                    std::to_string(seq));
  }
  if (msg.kind == protocol::Message::Kind::kError) {
    fail(doing, "the app answered with an error: " + msg.text);
  }
  return msg.text;
}

std::string ScenarioSession::run(const Step& step) {
  return request(step.command, step.args,
                 step.timeout_seconds.value_or(manifest_.timeouts.command_seconds));
}

std::string ScenarioSession::settle() {
  return request("settle", {}, manifest_.timeouts.settle_seconds);
}

std::string ScenarioSession::output(const std::string& stream) const {
  if (stream == "stdout") return child_->stdout_text();
  if (stream == "stderr") return child_->stderr_text();
  return child_->stdout_text() + "\n" + child_->stderr_text();
}

void ScenarioSession::check_alive(const std::string& doing) {
  if (child_->wait(Deadline(std::chrono::milliseconds(0)))) fail(doing, "");
}

std::vector<std::string> ScenarioSession::log_notes(bool ended) {
  if (ended) child_->drain(Deadline(std::chrono::seconds(2)));
  std::vector<std::string> notes;
  const std::pair<const char*, LogStats> logs[] = {{"stdout", child_->stdout_log_stats()},
                                                   {"stderr", child_->stderr_log_stats()}};
  for (const auto& [stream, stats] : logs) {
    if (stats.dropped_bytes > 0) {
      notes.push_back("the app wrote " + std::to_string(stats.total_bytes) + " bytes to " + stream +
                      "; app." + stream + ".log keeps its first and last " +
                      std::to_string(manifest_.log_limit_bytes / 2) + " bytes, " +
                      std::to_string(stats.dropped_bytes) +
                      " bytes in between were dropped (launch.logLimitBytes)");
    }
    if (!stats.write_error.empty()) {
      notes.push_back(std::string("app.") + stream + ".log is incomplete: " + stats.write_error);
    }
  }
  transcript_.flush();
  if (!transcript_) notes.emplace_back("protocol.log is incomplete: it could not be written");
  return notes;
}

bool ScenarioSession::shutdown() {
  if (!manifest_.protocol) {
    // No quit command: SIGTERM to the group (a graceful stop for services), then SIGKILL.
    note("*", "stopping with SIGTERM");
    const auto grace = std::chrono::milliseconds(
        static_cast<long long>(manifest_.timeouts.shutdown_seconds * 1000));
    child_->terminate(grace);
    const auto status = child_->exit_status();
    note("*", "exited: " + (status ? status->describe() : std::string("unknown")));
    return status && (!status->signaled || status->value == SIGTERM);
  }
  const std::uint64_t seq = next_seq_++;
  const std::string line = protocol::format_request(seq, "quit", {});
  note(">", line);
  child_->write_line(line);
  child_->close_stdin();
  const auto status = child_->wait(Deadline::after_seconds(manifest_.timeouts.shutdown_seconds));
  if (status) {
    note("*", "exited: " + status->describe());
    return true;
  }
  note("*", "no exit within timeouts.shutdownSeconds: killing the process group");
  child_->terminate(std::chrono::milliseconds(1000));
  return false;
}

}  // namespace leakgate
