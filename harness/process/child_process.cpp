#include "process/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <set>

#include "common/text_lines.h"
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
  std::string line_prefix;
  std::size_t max_line_bytes = 0;
  std::deque<std::string> lines;
  bool ended = false;
  // The log file: the first half of the limit as it comes, the last half kept here until the end.
  int log_fd = -1;
  std::uint64_t log_limit = 0;
  std::string log_tail;
  LogStats log_stats;

  void append(const char* data, std::size_t n) {
    std::lock_guard lock(mutex);
    log(data, n);
    kept.append(data, n);
    if (kept.size() > keep_bytes) kept.erase(0, kept.size() - keep_bytes);
    if (!queue_lines) return;
    const std::size_t scanned = partial.size();  // holds no newline: only the new data is searched
    partial.append(data, n);
    std::size_t start = 0;
    for (std::size_t nl = partial.find('\n', scanned); nl != std::string::npos;
         nl = partial.find('\n', start)) {
      queue(partial.substr(start, nl - start));
      start = nl + 1;
    }
    partial.erase(0, start);
    // A line that never ends is cut: memory stays bounded whatever the child prints.
    if (partial.size() > max_line_bytes) {
      queue(partial.substr(0, max_line_bytes));
      partial.clear();
    }
    ready.notify_all();
  }

  void finish() {
    std::lock_guard lock(mutex);
    if (queue_lines && !partial.empty()) queue(std::move(partial));
    partial.clear();
    close_log();
    ended = true;
    ready.notify_all();
  }

 private:
  // Only the lines the reader asked for are queued: a child that floods stdout while nobody reads
  // lines must not fill memory.
  void queue(std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line_prefix.empty() && !line.starts_with(line_prefix)) return;
    lines.push_back(std::move(line));
  }

  void write_log(const char* data, std::size_t n) {
    while (n > 0 && log_stats.write_error.empty()) {
      const ssize_t w = ::write(log_fd, data, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        log_stats.write_error = std::strerror(w < 0 ? errno : ENOSPC);
        break;
      }
      data += w;
      n -= static_cast<std::size_t>(w);
    }
  }

  void log(const char* data, std::size_t n) {
    log_stats.total_bytes += n;
    if (log_fd < 0) return;
    if (log_limit == 0) return write_log(data, n);
    const std::uint64_t head = log_limit / 2;
    const std::uint64_t before = log_stats.total_bytes - n;
    if (before < head) {
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(n, head - before));
      write_log(data, take);
      data += take;
      n -= take;
    }
    if (n == 0) return;
    log_tail.append(data, n);
    const std::size_t tail_limit = static_cast<std::size_t>(log_limit - head);
    if (log_tail.size() > 2 * tail_limit) log_tail.erase(0, log_tail.size() - tail_limit);
  }

  void close_log() {
    if (log_fd < 0) return;
    if (log_limit == 0) {
      ::close(log_fd);
      log_fd = -1;
      return;
    }
    const std::size_t tail_limit = static_cast<std::size_t>(log_limit - log_limit / 2);
    if (log_tail.size() > tail_limit) log_tail.erase(0, log_tail.size() - tail_limit);
    const std::uint64_t head = std::min<std::uint64_t>(log_stats.total_bytes, log_limit / 2);
    if (log_stats.total_bytes - head - log_tail.size() > 0) {
      // The marker takes the place of as much of the tail: the file stays within the limit.
      constexpr std::size_t kMarkerRoom = 128;
      log_tail.erase(0, std::min(log_tail.size(), kMarkerRoom));
      log_stats.dropped_bytes = log_stats.total_bytes - head - log_tail.size();
      std::string marker = "\n[leakgate: " + std::to_string(log_stats.dropped_bytes) +
                           " bytes dropped here (log limit " + std::to_string(log_limit) +
                           " bytes); the last " + std::to_string(log_tail.size()) +
                           " bytes follow]\n";
      marker.resize(std::min(marker.size(), kMarkerRoom));
      write_log(marker.data(), marker.size());
    }
    write_log(log_tail.data(), log_tail.size());
    log_tail.clear();
    log_tail.shrink_to_fit();
    ::close(log_fd);
    log_fd = -1;
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
    out += text::shell_quote(word);
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
    if (eq != std::string::npos && overrides.contains(entry.substr(0, eq))) continue;
    env.push_back(entry);
  }
  for (const auto& [key, value] : overrides) env.emplace_back(key).append(1, '=').append(value);
  return env;
}

std::vector<char*> c_array(std::vector<std::string>& words) {
  std::vector<char*> out;
  out.reserve(words.size() + 1);
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
  // Under Yama ptrace_scope 1 (the default of most CI runners) only an ancestor may attach: name
  // the harness, so its own descendants (the heap engine) may read this process. A kernel without
  // Yama refuses the call (EINVAL), and then no such rule applies.
  ::prctl(PR_SET_PTRACER, static_cast<unsigned long>(parent), 0UL, 0UL, 0UL);
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
    const int e = -errno;  // negative: the working folder, not the program, is the cause
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

constexpr const char* kOwnerVariable = "LEAKGATE_OWNER";

struct ProcEntry {
  pid_t pid = 0;
  pid_t ppid = 0;
};

// Every process of the machine that /proc shows, with its parent.
std::vector<ProcEntry> list_processes() {
  std::vector<ProcEntry> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; it ends at the last ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos || close + 4 >= stat.size()) continue;
    ProcEntry p;
    p.pid = static_cast<pid_t>(std::stol(name));
    p.ppid = static_cast<pid_t>(std::strtol(stat.c_str() + close + 4, nullptr, 10));
    out.push_back(p);
  }
  return out;
}

// Whether the environment of `pid` holds exactly `entry` ("NAME=value").
bool has_environment_entry(pid_t pid, const std::string& entry) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string variable;
  while (std::getline(in, variable, '\0')) {
    if (variable == entry) return true;
  }
  return false;
}

void become_subreaper() {
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1); });
}

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
  become_subreaper();
  sweep_descendants_ = spec.sweep_descendants;
  static std::atomic<unsigned> started{0};
  owner_mark_ = std::to_string(::getpid()) + "-" + std::to_string(++started);
  std::map<std::string, std::string> overrides = spec.env;
  overrides[kOwnerVariable] = owner_mark_;
  std::vector<std::string> argv = spec.argv;
  std::vector<std::string> env = merged_environment(overrides);
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
    if (exec_errno < 0) {
      throw SpawnError("cannot start '" + spec.argv[0] + "': cannot enter its working folder " +
                       spec.cwd.string() + ": " + strerror(-exec_errno));
    }
    throw SpawnError("cannot start '" + spec.argv[0] + "'" +
                     (spec.cwd.empty() ? "" : " in " + spec.cwd.string()) + ": " +
                     strerror(exec_errno));
  }

  out_->keep_bytes = err_->keep_bytes = spec.keep_bytes;
  out_->log_limit = err_->log_limit = spec.log_limit_bytes;
  out_->queue_lines = spec.stdout_lines;
  out_->line_prefix = spec.line_prefix;
  out_->max_line_bytes = spec.max_line_bytes;
  start_reader(*out_, out_pipe.read, spec.stdout_log);
  start_reader(*err_, err_pipe.read, spec.stderr_log);
}

void ChildProcess::start_reader(Stream& stream, int fd, const std::filesystem::path& log) {
  if (!log.empty()) {
    stream.log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (stream.log_fd < 0) stream.log_stats.write_error = std::strerror(errno);
  }
  stream.reader = std::thread([&stream, fd] {
    char buffer[16384];
    pollfd pfd{fd, POLLIN, 0};
    while (!stream.stop.load()) {
      const int ready = ::poll(&pfd, 1, 100);
      if (ready < 0 && errno != EINTR) break;
      if (ready <= 0) continue;
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) break;
      stream.append(buffer, static_cast<std::size_t>(n));
    }
    stream.finish();
    ::close(fd);
  });
}

ChildProcess::~ChildProcess() {
  if (!status_) terminate(std::chrono::milliseconds(2000));
  // Grandchildren stay in the group after the leader exits: sweep them too, and those that left
  // the group.
  ::kill(-pid_, SIGKILL);
  if (sweep_descendants_) kill_descendants();
  interrupt::unregister_group(pid_);
  close_stdin();
  join_readers();
}

void ChildProcess::kill_descendants() {
  const std::string mark = std::string(kOwnerVariable) + "=" + owner_mark_;
  const pid_t self = ::getpid();
  // A process may fork while it is being looked for: repeat until a pass finds nothing.
  for (int pass = 0; pass < 50; ++pass) {
    const auto processes = list_processes();
    std::set<pid_t> tree{pid_};  // the child's descendants by parentage, while they have parents
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& p : processes) {
        if (tree.contains(p.ppid) && tree.insert(p.pid).second) grew = true;
      }
    }
    std::vector<pid_t> victims;
    for (const auto& p : processes) {
      if (p.pid == self || p.pid == pid_) continue;
      if (tree.contains(p.pid) || has_environment_entry(p.pid, mark)) victims.push_back(p.pid);
    }
    if (victims.empty()) return;
    for (const pid_t v : victims) ::kill(v, SIGKILL);
    // Orphans of the tree are the harness's children now (subreaper): reap them. For the others
    // waitpid fails at once (ECHILD).
    const Deadline deadline(std::chrono::seconds(2));
    for (const pid_t v : victims) {
      while (::waitpid(v, nullptr, WNOHANG) == 0 && !deadline.expired()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
  }
}

void ChildProcess::join_readers() {
  for (Stream* s : {out_.get(), err_.get()}) {
    s->stop.store(true);
    if (s->reader.joinable()) s->reader.join();
  }
}

namespace {

// A write to a child that has exited fails with EPIPE instead of killing the caller with SIGPIPE,
// whatever the process's SIGPIPE disposition (leakgate ignores it; a program or test using this
// library may not): SIGPIPE is blocked in this thread during the write, and one the write raised is
// taken off the pending set before the old mask comes back.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    already_pending_ = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocked() {
    if (raised_ && !already_pending_) {
      const timespec now{};
      while (sigtimedwait(&pipe_, nullptr, &now) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;
  void raised() { raised_ = true; }

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool already_pending_ = false;
  bool raised_ = false;
};

}  // namespace

bool ChildProcess::write_line(std::string_view line) {
  if (stdin_fd_ < 0) return false;
  std::string data(line);
  data += '\n';
  std::size_t done = 0;
  SigpipeBlocked blocked;
  while (done < data.size()) {
    const ssize_t n = ::write(stdin_fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) blocked.raised();
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

LogStats ChildProcess::stdout_log_stats() const {
  std::lock_guard lock(out_->mutex);
  return out_->log_stats;
}

LogStats ChildProcess::stderr_log_stats() const {
  std::lock_guard lock(err_->mutex);
  return err_->log_stats;
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
