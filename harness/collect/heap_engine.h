#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/deadline.h"
#include "common/errors.h"

namespace leakgate {

class ChildProcess;

// An error reply of the heap engine (kind as in harness/heap-engine/PROTOCOL.md), or the engine
// failing (crash, hang, garbage): a tool error of the scenario.
class EngineError : public ToolError {
 public:
  EngineError(std::string kind, const std::string& message)
      : ToolError(message), kind_(std::move(kind)) {}
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
};

// Where the engine is: `explicit_path` (--heap-engine or $LEAKGATE_HEAP_ENGINE) when set, else
// heap-engine/leakgate-heap-engine beside the leakgate executable (where the build puts it).
// Throws ToolError naming where it looked.
std::filesystem::path locate_heap_engine(const std::string& explicit_path);

// The heap engine (harness/heap-engine): a .NET program on ClrMD that reads managed heaps, one JSON
// request line in, one reply line out. Started by the constructor, which does not wait for its
// hello: the first request or version() does (the engine's runtime starts meanwhile);
// the destructor asks it to quit and kills it if it does not. Every request has a deadline: an
// engine that hangs, dies or prints garbage is an EngineError with the tail of its stderr, and is
// not used again.
class HeapEngine {
 public:
  // stderr goes to `log_dir`/heap-engine.stderr.log; requests and replies (cut) to
  // heap-engine.protocol.log.
  HeapEngine(const std::filesystem::path& program, const std::filesystem::path& log_dir,
             double start_seconds);
  ~HeapEngine();
  HeapEngine(const HeapEngine&) = delete;
  HeapEngine& operator=(const HeapEngine&) = delete;

  // "1.0.0 (ClrMD 4.2.15.101)", once the engine said hello (waits for it).
  const std::string& version();
  pid_t pid() const;
  bool usable() const { return usable_; }

  // Sends {"v":1,"id":N,"op":op, ...fields} and returns the ok reply's object and its line as
  // printed (kept as raw output). An error reply throws EngineError with its kind; the engine
  // stays usable. Anything else (no reply in time, the engine exits, a malformed line) throws
  // EngineError of kind "engine-failed" and the engine is stopped.
  // NOLINTNEXTLINE(bugprone-exception-escape): nlohmann::json's moves throw nothing in practice
  struct Answer {
    nlohmann::json body;
    std::string line;
  };
  Answer request(const std::string& op, nlohmann::json fields, Deadline deadline);

 private:
  // Reads the engine's hello line unless read already; broken() when none comes in time.
  void await_hello();
  [[noreturn]] void broken(const std::string& what);
  std::string stderr_tail() const;
  void note(char direction, const std::string& line);

  std::unique_ptr<ChildProcess> child_;
  std::ofstream transcript_;
  std::string version_;
  double start_seconds_;
  std::optional<Deadline> hello_deadline_;  // until the hello is read
  std::int64_t next_id_ = 1;
  bool usable_ = true;
};

// A process stopped in the middle of a garbage collection (an app that allocates all the time) has
// a heap nobody can walk (error kind heap-not-walkable) until the collection ends. Runs `read`
// (which must let go of the process, or throw its dump away, when it fails) until it returns,
// again after a pause that doubles from 50 ms, 6 times in all and not past `deadline`; the last
// error says how many attempts were made. Every other error is thrown at once.
template <class Read>
auto read_when_walkable(Deadline deadline, const std::string& what, Read&& read) {
  constexpr int kAttempts = 6;
  std::chrono::milliseconds pause{50};
  for (int attempt = 1;; ++attempt) {
    try {
      return read();
    } catch (const EngineError& e) {
      if (e.kind() != "heap-not-walkable") throw;
      if (attempt == kAttempts || deadline.remaining() < pause) {
        throw EngineError(e.kind(), std::string(e.what()) + " (" + what + ", " +
                                        std::to_string(attempt) +
                                        " attempts: the app was collecting at each)");
      }
    }
    std::this_thread::sleep_for(pause);
    pause *= 2;
  }
}

}  // namespace leakgate
