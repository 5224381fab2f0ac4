#include "process/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "process/interrupt.h"

extern char** environ;

namespace leakgate {

struct ChildProcess::Stream {
  std::thread reader;
  std::atomic<bool> stop{false};
  mutable std::mutex mutex;
  std::condition_variable ready;
  std::string kept;
  std::size_t keep_bytes = 0;
  bool queue_lines = false;
  std::string partial;
  std::deque<std::string> lines;
  bool ended = false;

  void append(const char* data, std::size_t n) {
    std::lock_guard lock(mutex);
    kept.append(data, n);
    if (kept.size() > keep_bytes) kept.erase(0, kept.size() - keep_bytes);
    if (!queue_lines) return;
    partial.append(data, n);
    std::size_t start = 0;
    for (std::size_t nl = partial.find('\n'); nl != std::string::npos;
         nl = partial.find('\n', start)) {
      std::string line = partial.substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(std::move(line));
      start = nl + 1;
    }
    partial.erase(0, start);
    ready.notify_all();
  }

  void finish() {
    std::lock_guard lock(mutex);
    if (queue_lines && !partial.empty()) lines.push_back(std::move(partial));
    partial.clear();
    ended = true;
    ready.notify_all();
  }
};

std::string ExitStatus::describe() const {
  if (signaled) return "killed by signal " + std::to_string(value) + " (" + strsignal(value) + ")";
  return "exit code " + std::to_string(value);
}

std::string render_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !word.empty() && word.find_first_of(" \t\n'\"\\$`*?") == std::string::npos;
    out += plain ? word : "'" + word + "'";
  }
  return out;
}

namespace {

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw SpawnError(std::string("pipe: ") + strerror(errno));
    read = fds[0];
    write = fds[1];
  }
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos && overrides.count(entry.substr(0, eq)) != 0) continue;
    env.push_back(entry);
  }
  for (const auto& [key, value] : overrides) env.push_back(key + "=" + value);
  return env;
}

std::vector<char*> c_array(std::vector<std::string>& words) {
  std::vector<char*> out;
  for (auto& w : words) out.push_back(w.data());
  out.push_back(nullptr);
  return out;
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(const char* cwd, char** argv, char** envp, int in_fd, int out_fd,
                             int err_fd, int report_fd, pid_t parent) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);
  ::signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::dup2(in_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) {
    const int e = errno;
    (void)!::write(report_fd, &e, sizeof e);
    ::_exit(127);
  }
  // No other descriptor of the harness (logs, other children's pipes) survives the exec.
  ::syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
  if (cwd != nullptr && ::chdir(cwd) != 0) {
    const int e = errno;
    (void)!::write(report_fd, &e, sizeof e);
    ::_exit(127);
  }
  ::execvpe(argv[0], argv, envp);
  const int e = errno;
  (void)!::write(report_fd, &e, sizeof e);
  ::_exit(127);
}

}  // namespace

namespace {
std::function<void(const SpawnSpec&)>& spawn_trace() {
  static std::function<void(const SpawnSpec&)> trace;
  return trace;
}
}  // namespace

void set_spawn_trace(std::function<void(const SpawnSpec&)> trace) {
  spawn_trace() = std::move(trace);
}

ChildProcess::ChildProcess(const SpawnSpec& spec)
    : out_(std::make_unique<Stream>()), err_(std::make_unique<Stream>()) {
  if (spec.argv.empty()) throw SpawnError("empty argv");
  interrupt::check();
  if (spawn_trace()) spawn_trace()(spec);
  std::vector<std::string> argv = spec.argv;
  std::vector<std::string> env = merged_environment(spec.env);
  auto argv_c = c_array(argv);
  auto env_c = c_array(env);
  const std::string cwd = spec.cwd.string();

  Pipe out_pipe, err_pipe, report;
  Pipe in_pipe;
  int in_read = in_pipe.read;
  if (!spec.stdin_pipe) {
    close_fd(in_pipe.read);
    close_fd(in_pipe.write);
    in_read = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }

  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw SpawnError(std::string("fork: ") + strerror(errno));
  if (pid_ == 0) {
    exec_child(cwd.empty() ? nullptr : cwd.c_str(), argv_c.data(), env_c.data(), in_read,
               out_pipe.write, err_pipe.write, report.write, parent);
  }
  ::setpgid(pid_, pid_);  // also in the parent, so the group exists before we signal it
  interrupt::register_group(pid_);
  ::close(in_read);
  close_fd(out_pipe.write);
  close_fd(err_pipe.write);
  close_fd(report.write);
  stdin_fd_ = spec.stdin_pipe ? in_pipe.write : -1;

  int exec_errno = 0;
  const ssize_t got = ::read(report.read, &exec_errno, sizeof exec_errno);
  close_fd(report.read);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    close_fd(out_pipe.read);
    close_fd(err_pipe.read);
    close_stdin();
    ::waitpid(pid_, nullptr, 0);
    interrupt::unregister_group(pid_);
    throw SpawnError("cannot start '" + spec.argv[0] + "'" +
                     (spec.cwd.empty() ? "" : " in " + spec.cwd.string()) + ": " +
                     strerror(exec_errno));
  }

  out_->keep_bytes = err_->keep_bytes = spec.keep_bytes;
  out_->queue_lines = spec.stdout_lines;
  start_reader(*out_, out_pipe.read, spec.stdout_log);
  start_reader(*err_, err_pipe.read, spec.stderr_log);
}

void ChildProcess::start_reader(Stream& stream, int fd, const std::filesystem::path& log) {
  int log_fd = -1;
  if (!log.empty()) {
    log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  }
  stream.reader = std::thread([&stream, fd, log_fd] {
    char buffer[16384];
    pollfd pfd{fd, POLLIN, 0};
    while (!stream.stop.load()) {
      const int ready = ::poll(&pfd, 1, 100);
      if (ready < 0 && errno != EINTR) break;
      if (ready <= 0) continue;
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) break;
      if (log_fd >= 0) (void)!::write(log_fd, buffer, static_cast<std::size_t>(n));
      stream.append(buffer, static_cast<std::size_t>(n));
    }
    stream.finish();
    ::close(fd);
    if (log_fd >= 0) ::close(log_fd);
  });
}

ChildProcess::~ChildProcess() {
  if (!status_) terminate(std::chrono::milliseconds(2000));
  // Grandchildren stay in the group after the leader exits: sweep them too.
  ::kill(-pid_, SIGKILL);
  interrupt::unregister_group(pid_);
  close_stdin();
  join_readers();
}

void ChildProcess::join_readers() {
  for (Stream* s : {out_.get(), err_.get()}) {
    s->stop.store(true);
    if (s->reader.joinable()) s->reader.join();
  }
}

bool ChildProcess::write_line(std::string_view line) {
  if (stdin_fd_ < 0) return false;
  std::string data(line);
  data += '\n';
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(stdin_fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void ChildProcess::close_stdin() { close_fd(stdin_fd_); }

ChildProcess::LineStatus ChildProcess::next_line(std::string& line, Deadline deadline) {
  std::unique_lock lock(out_->mutex);
  while (out_->lines.empty() && !out_->ended) {
    if (interrupt::requested()) break;
    // Wake up now and then: an interrupt must be noticed even if the child stays silent.
    const auto until = std::min(deadline.at(), Clock::now() + std::chrono::milliseconds(100));
    out_->ready.wait_until(lock, until);
    if (Clock::now() >= deadline.at() && out_->lines.empty()) return LineStatus::kTimeout;
  }
  if (out_->lines.empty()) {
    lock.unlock();
    interrupt::check();
    return LineStatus::kEnd;
  }
  line = std::move(out_->lines.front());
  out_->lines.pop_front();
  return LineStatus::kLine;
}

std::optional<ExitStatus> ChildProcess::poll_exit() {
  if (status_) return status_;
  int raw = 0;
  const pid_t r = ::waitpid(pid_, &raw, WNOHANG);
  if (r == pid_) {
    ExitStatus s;
    if (WIFSIGNALED(raw)) {
      s.signaled = true;
      s.value = WTERMSIG(raw);
    } else {
      s.value = WEXITSTATUS(raw);
    }
    status_ = s;
  } else if (r < 0 && errno == ECHILD) {
    status_ = ExitStatus{true, SIGKILL};
  }
  return status_;
}

std::optional<ExitStatus> ChildProcess::wait(Deadline deadline) {
  // waitpid has no timeout; a short poll keeps this simple and bounded.
  while (true) {
    if (auto s = poll_exit()) return s;
    if (deadline.expired()) return std::nullopt;
    std::this_thread::sleep_for(std::min(deadline.remaining(), std::chrono::milliseconds(10)));
  }
}

void ChildProcess::terminate(std::chrono::milliseconds grace) {
  if (poll_exit()) return;
  ::kill(-pid_, SIGTERM);
  if (wait(Deadline(grace))) return;
  ::kill(-pid_, SIGKILL);
  wait(Deadline(std::chrono::seconds(30)));
}

void ChildProcess::drain(Deadline deadline) {
  for (Stream* s : {out_.get(), err_.get()}) {
    std::unique_lock lock(s->mutex);
    s->ready.wait_until(lock, deadline.at(), [s] { return s->ended; });
  }
}

std::string ChildProcess::stdout_text() const {
  std::lock_guard lock(out_->mutex);
  return out_->kept;
}

std::string ChildProcess::stderr_text() const {
  std::lock_guard lock(err_->mutex);
  return err_->kept;
}

ToolRun run_to_completion(const SpawnSpec& spec, Deadline deadline) {
  ChildProcess child(spec);
  ToolRun run;
  std::optional<ExitStatus> status;
  while (!(status = child.wait(Deadline(std::chrono::milliseconds(100))))) {
    if (interrupt::requested()) break;
    if (deadline.expired()) {
      run.timed_out = true;
      break;
    }
  }
  if (!status) {
    child.terminate(std::chrono::milliseconds(1000));
    status = child.exit_status();
  }
  interrupt::check();
  run.status = status.value_or(ExitStatus{true, SIGKILL});
  // Output still in the pipes after exit is read before we look at it.
  child.drain(Deadline(std::chrono::seconds(5)));
  run.out = child.stdout_text();
  run.err = child.stderr_text();
  return run;
}

}  // namespace leakgate
