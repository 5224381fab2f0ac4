#pragma once

// Helpers of the fault matrix (tests/e2e/fault_matrix_test.cpp, docs/reliability.md): every case
// runs the real leakgate binary and then checks the whole aftermath, not just the exit code.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "e2e/e2e_support.h"
#include "process/child_process.h"

namespace leakgate::e2e {

// Every file under a folder (recursively, relative path -> bytes; a symbolic link is recorded as
// "-> target", a folder as "<dir>"). Two equal trees are byte-identical.
using Tree = std::map<std::string, std::string>;
Tree snapshot(const std::filesystem::path& dir, const std::vector<std::string>& skip = {});
// "" when equal, else what was added, removed or changed.
std::string tree_diff(const Tree& before, const Tree& after);

// Whether `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF).
bool is_utf8(std::string_view bytes);
bool contains_ci(std::string_view haystack, std::string_view needle);
// Every string (and key) of a JSON document, one per line: what "the report says".
std::string strings_of(const nlohmann::json& doc);

// Polls `condition` until it holds or `timeout` passes; returns whether it held.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// Live processes whose environment holds LEAKGATE_E2E_MARKER=<marker> and whose command line
// contains `needle` (arguments joined with spaces).
std::vector<pid_t> marked_processes_running(const std::string& marker, const std::string& needle);

// A tmpfs of `bytes` mounted on `dir` (created), unmounted (lazily) when destroyed. mounted() is
// false, with the reason in error(), where mounting is not allowed.
class Tmpfs {
 public:
  Tmpfs(const std::filesystem::path& dir, std::size_t bytes);
  ~Tmpfs();
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  // Fills the file system with one file (`name`) until at most `leave` bytes are free.
  void fill(const std::string& name, std::size_t leave) const;
  std::size_t free_bytes() const;

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
  std::string error_;
};

// A protocol app in POSIX sh: `before_hello` runs first, then the hello line (with `facts`),
// then every request is answered "ok" (`on_request` runs before each answer with $seq and $cmd
// set); quit answers "bye" and runs `on_quit` (default: exit 0).
std::string shell_protocol_app(const std::string& before_hello = "",
                               const std::string& facts = "app=shell",
                               const std::string& on_request = "",
                               const std::string& on_quit = "exit 0");

// A small HTTP server in python3 on ${port} (given as its first argument): every request gets
// `status` and the body `body_literal` (a Python bytes literal). With `dual_stack` it listens on
// [::] and 127.0.0.1 both.
std::vector<std::string> python_http_server(int status, const std::string& body_literal,
                                            bool dual_stack);

// What report.json must be, after a run.
enum class ReportRule {
  kAbsentOrTruthful,  // none, or one that tells what happened in this run
  kRequired,          // all four files, report.json valid UTF-8 JSON telling what happened
  kAbsent,            // nothing written
};

// A fault case: a workspace, a marker that every process of the run carries (leakgate's own
// environment and each app's launch.env), and the checks of the aftermath.
class FaultCase : public ::testing::Test {
 protected:
  FaultCase();

  Workspace ws;
  const std::string marker = unique_marker();

  // Manifests: `launch.env` carries the marker.
  nlohmann::json shell_app(const std::string& script, int iterations = 2) const;
  nlohmann::json service_app(const std::vector<std::string>& argv, const nlohmann::json& ready,
                             const nlohmann::json& iteration, int iterations = 1) const;
  nlohmann::json native_app(int iterations) const;
  nlohmann::json forms_app(int iterations) const;
  void scenario(const std::string& name, const nlohmann::json& manifest,
                const std::filesystem::path& scenarios_dir = {});
  void raw_scenario(const std::string& name, const std::string& bytes);

  // `args` plus the workspace's folders (dirs_of).
  std::vector<std::string> with_dirs(std::vector<std::string> args,
                                     const std::filesystem::path& report_dir = {}) const;
  // Runs leakgate to completion (three minutes at most; a hang fails the case). The first call
  // records the baselines folder, the later checks compare with it. The process object lives
  // until the next run or the end of the case, so that what leakgate left is still there to be
  // found (a ChildProcess sweeps its descendants when destroyed).
  // `cwd`: leakgate's working folder (default: the source folder, as Workspace::leakgate_spec).
  ToolRun leakgate(const std::vector<std::string>& args, const std::filesystem::path& cwd = {});
  SpawnSpec spec(const std::vector<std::string>& args);
  // Starts leakgate, waits until `stage` holds, sends `sig`, waits for the exit. `what` names the
  // stage in failure messages.
  ToolRun interrupt_when(const std::vector<std::string>& args, const std::function<bool()>& stage,
                         int sig, const std::string& what,
                         const std::function<void(ChildProcess&)>& during = {});
  // Where the stage is shown: leakgate's stderr so far (of the run interrupt_when started).
  std::string progress() const;

  void freeze_baselines();
  // Writes a previous run's report into `dir`, the kind a stale report would be.
  static void seed_previous_report(const std::filesystem::path& dir);

  // The aftermath checks.
  static void expect_exit(const ToolRun& run, int code);
  static void expect_exit_in(const ToolRun& run, const std::vector<int>& codes);
  // Each needle (case-insensitive) in stdout, stderr or the strings of report.json.
  void expect_message(const ToolRun& run, const std::vector<std::string>& needles,
                      const std::filesystem::path& report_dir = {}) const;
  void expect_no_process() const;
  void expect_no_temp(const std::filesystem::path& report_dir = {}) const;
  void expect_baselines_unchanged() const;
  void expect_report(const ToolRun& run, ReportRule rule,
                     const std::filesystem::path& report_dir = {}) const;
  // All of the above but the message.
  void expect_aftermath(const ToolRun& run, int code,
                        ReportRule rule = ReportRule::kAbsentOrTruthful,
                        const std::filesystem::path& report_dir = {}) const;

  // The report.json of `dir` (default reports/), or null when there is none or it is not JSON.
  nlohmann::json report_at(const std::filesystem::path& dir = {}) const;

 private:
  bool frozen_ = false;
  Tree baselines_before_;
  mutable std::string progress_;
  std::unique_ptr<ChildProcess> running_;
};

}  // namespace leakgate::e2e
