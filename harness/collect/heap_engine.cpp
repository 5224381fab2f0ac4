#include "collect/heap_engine.h"

#include <cstdlib>

#include "collect/engine_protocol.h"
#include "common/json_reader.h"
#include "common/self_path.h"
#include "common/text_lines.h"
#include "process/child_process.h"
#include "process/interrupt.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

// A heapstat reply is about 100 bytes per type; far above any real heap's types.
constexpr std::size_t kMaxReplyBytes = std::size_t{256} << 20;
constexpr std::size_t kTranscriptLineBytes = 2000;

}  // namespace

fs::path locate_heap_engine(const std::string& explicit_path) {
  std::string path = explicit_path;
  if (path.empty()) {
    if (const char* env = std::getenv("LEAKGATE_HEAP_ENGINE"); env != nullptr) path = env;
  }
  // Beside leakgate (a build), else where an install puts it (PREFIX/lib/leakgate/heap-engine).
  fs::path program = fs::path(path);
  if (path.empty()) {
    const fs::path bin = leakgate_bin_dir();
    program = bin / "heap-engine" / "leakgate-heap-engine";
    const fs::path installed =
        (bin / ".." / "lib" / "leakgate" / "heap-engine" / "leakgate-heap-engine")
            .lexically_normal();
    std::error_code exists;
    if (!fs::is_regular_file(program, exists) && fs::is_regular_file(installed, exists)) {
      program = installed;
    }
  }
  std::error_code ec;
  if (!fs::is_regular_file(program, ec)) {
    throw ToolError("the heap engine is not at " + program.string() +
                    (path.empty() ? " (the build puts it beside leakgate, an install in "
                                    "PREFIX/lib/leakgate/heap-engine: run the README's set-up "
                                    "command, or name it with --heap-engine; --engine sos runs "
                                    "without it)"
                                  : ""));
  }
  return program;
}

HeapEngine::HeapEngine(const fs::path& program, const fs::path& log_dir, double start_seconds)
    : start_seconds_(start_seconds) {
  fs::create_directories(log_dir);
  transcript_.open(log_dir / "heap-engine.protocol.log");
  SpawnSpec spec;
  spec.argv = {program.string()};
  spec.stdin_pipe = true;
  spec.stdout_lines = true;
  spec.max_line_bytes = kMaxReplyBytes;
  spec.keep_bytes = std::size_t{64} * 1024;
  spec.stderr_log = log_dir / "heap-engine.stderr.log";
  spec.log_limit_bytes = std::uint64_t{8} << 20;
  // The engine's own runtime: no tiered-compilation warm-up cost matters more than start-up.
  spec.env = {{"DOTNET_TieredPGO", "0"}, {"DOTNET_gcServer", "0"}};
  try {
    child_ = std::make_unique<ChildProcess>(spec);
  } catch (const SpawnError& e) {
    throw EngineError("engine-failed", std::string("cannot start the heap engine: ") + e.what());
  }
  hello_deadline_ = Deadline::after_seconds(start_seconds);
}

void HeapEngine::await_hello() {
  if (!hello_deadline_) return;
  const Deadline deadline = *hello_deadline_;
  hello_deadline_.reset();
  std::string line;
  while (true) {
    const Deadline slice(std::min(deadline.remaining(), std::chrono::milliseconds(100)));
    const auto status = child_->next_line(line, slice);
    if (status == ChildProcess::LineStatus::kLine) break;
    interrupt::check();
    if (status == ChildProcess::LineStatus::kEnd) broken("it exited before its hello");
    if (deadline.expired()) broken("no hello within " + text::seconds(start_seconds_) + " s");
  }
  note('<', line);
  try {
    version_ = engine::parse_hello(line);
  } catch (const ParseError& e) {
    broken(e.what());
  }
}

const std::string& HeapEngine::version() {
  await_hello();
  return version_;
}

HeapEngine::~HeapEngine() {
  if (!child_) return;
  if (usable_ && child_->write_line(R"({"v":1,"id":0,"op":"quit"})")) {
    child_->close_stdin();
    if (child_->wait(Deadline(std::chrono::seconds(5)))) return;
  }
  child_->terminate(std::chrono::milliseconds(500));
}

pid_t HeapEngine::pid() const { return child_ ? child_->pid() : -1; }

void HeapEngine::note(char direction, const std::string& line) {
  if (!transcript_) return;
  transcript_ << direction << ' ';
  if (line.size() > kTranscriptLineBytes) {
    transcript_ << line.substr(0, kTranscriptLineBytes) << " ... (" << line.size() << " bytes)";
  } else {
    transcript_ << line;
  }
  transcript_ << '\n';
  transcript_.flush();
}

std::string HeapEngine::stderr_tail() const {
  return child_ ? text::tail_lines(child_->stderr_text(), 12) : "";
}

void HeapEngine::broken(const std::string& what) {
  usable_ = false;
  interrupt::check();
  std::string message = "heap engine (pid " + std::to_string(pid()) + "): " + what;
  if (child_) {
    child_->terminate(std::chrono::milliseconds(500));
    child_->drain(Deadline(std::chrono::seconds(2)));
    if (const auto status = child_->exit_status()) message += " [" + status->describe() + "]";
    const std::string tail = stderr_tail();
    if (!tail.empty()) message += "; its stderr ends:" + tail;
  }
  throw EngineError("engine-failed", message);
}

HeapEngine::Answer HeapEngine::request(const std::string& op, nlohmann::json fields,
                                       Deadline deadline) {
  if (!usable_) throw EngineError("engine-failed", "the heap engine failed earlier in this run");
  await_hello();
  const std::int64_t id = next_id_++;
  fields["v"] = engine::kVersion;
  fields["id"] = id;
  fields["op"] = op;
  const std::string out = dump_json(fields);
  note('>', out);
  if (!child_->write_line(out)) broken("it stopped reading requests (" + op + ")");
  std::string line;
  while (true) {
    const Deadline slice(std::min(deadline.remaining(), std::chrono::milliseconds(100)));
    const auto status = child_->next_line(line, slice);
    if (status == ChildProcess::LineStatus::kEnd) broken("it exited during " + op);
    if (status == ChildProcess::LineStatus::kTimeout) {
      interrupt::check();
      if (deadline.expired()) broken("no reply to " + op + " in time");
      continue;
    }
    note('<', line);
    engine::Reply reply;
    try {
      reply = engine::parse_reply(line);
    } catch (const ParseError& e) {
      broken(std::string(e.what()) + " (in reply to " + op + ")");
    }
    if (reply.id != id)
      broken("a reply to request " + std::to_string(reply.id) + " while " + std::to_string(id) +
             " (" + op + ") was waited for");
    if (!reply.ok) {
      throw EngineError(reply.error_kind, "heap engine, " + op + ": " + reply.error_message);
    }
    return {std::move(reply.body), std::move(line)};
  }
}

}  // namespace leakgate
