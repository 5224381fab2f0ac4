#include "process/child_process.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "unit/test_support.h"

namespace leakgate {
namespace {

using namespace std::chrono_literals;

// True once `pid` has exited (absent from /proc, or a zombie waiting for its reaper).
bool gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

bool gone_within(pid_t pid, std::chrono::milliseconds budget) {
  const Deadline deadline(budget);
  while (!gone(pid)) {
    if (deadline.expired()) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

SpawnSpec shell(const std::string& script) {
  SpawnSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  return spec;
}

TEST(ChildProcess, CapturesOutputAndExitCode) {
  const ToolRun run = run_to_completion(shell("echo out; echo err >&2; exit 3"), Deadline(30s));
  EXPECT_FALSE(run.timed_out);
  EXPECT_FALSE(run.status.success());
  EXPECT_EQ(run.status.value, 3);
  EXPECT_EQ(run.out, "out\n");
  EXPECT_EQ(run.err, "err\n");
}

// A child gone before a write: the write fails, and the caller is not killed by SIGPIPE even where
// SIGPIPE has its default action (as in this test binary).
TEST(ChildProcess, WritingToAChildThatExitedFailsWithoutSigpipe) {
  SpawnSpec spec = shell("exit 0");
  spec.stdin_pipe = true;
  ChildProcess child(spec);
  ASSERT_TRUE(child.wait(Deadline(30s)).has_value());
  bool failed = false;
  for (int i = 0; i < 100 && !failed; ++i) failed = !child.write_line("more");
  EXPECT_TRUE(failed);
  sigset_t pending;
  sigemptyset(&pending);
  ASSERT_EQ(sigpending(&pending), 0);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0) << "a SIGPIPE was left pending";
}

TEST(ChildProcess, DrainsBothPipesSoAChattyChildNeverBlocks) {
  // 4 MiB on each stream, far beyond a pipe buffer, written stderr first.
  const ToolRun run = run_to_completion(
      shell("head -c 4194304 /dev/zero >&2; head -c 4194304 /dev/zero"), Deadline(60s));
  EXPECT_TRUE(run.status.success()) << run.status.describe();
  EXPECT_EQ(run.out.size(), 4194304u);
  EXPECT_EQ(run.err.size(), 4194304u);
}

TEST(ChildProcess, KeepsOnlyTheTailWhenAsked) {
  SpawnSpec spec = shell("seq 1 10000");
  spec.keep_bytes = 6;
  const ToolRun run = run_to_completion(spec, Deadline(30s));
  EXPECT_EQ(run.out, "10000\n");
}

TEST(ChildProcess, DeadlineKillsTheChild) {
  const ToolRun run = run_to_completion(shell("echo started; exec sleep 300"), Deadline(300ms));
  EXPECT_TRUE(run.timed_out);
  EXPECT_TRUE(run.status.signaled);
  EXPECT_EQ(run.out, "started\n");
}

// Runs `script` (which starts a background process and prints its pid) as an owned child; returns
// the grandchild's pid after the owner is gone. `leader_exits`: wait for the shell to exit first.
pid_t grandchild_after_owner(const std::string& script, bool leader_exits) {
  SpawnSpec spec = shell(script);
  spec.stdout_lines = true;
  ChildProcess child(spec);
  std::string line;
  EXPECT_EQ(child.next_line(line, Deadline(30s)), ChildProcess::LineStatus::kLine);
  const pid_t grandchild = std::stoi(line);
  if (leader_exits) {
    EXPECT_TRUE(child.wait(Deadline(30s)));
  }
  EXPECT_FALSE(gone(grandchild));
  return grandchild;
}

TEST(ChildProcess, DestructorKillsTheWholeProcessGroup) {
  const pid_t grandchild = grandchild_after_owner("sleep 300 & echo $!; wait", false);
  EXPECT_TRUE(gone_within(grandchild, 10s)) << "grandchild " << grandchild << " survived";
}

TEST(ChildProcess, GrandchildrenOfAnExitedChildAreSweptToo) {
  const pid_t grandchild = grandchild_after_owner("sleep 300 >/dev/null 2>&1 & echo $!", true);
  EXPECT_TRUE(gone_within(grandchild, 10s)) << "grandchild " << grandchild << " survived";
}

TEST(ChildProcess, LinesInAndOut) {
  SpawnSpec spec;
  spec.argv = {"cat"};
  spec.stdin_pipe = true;
  spec.stdout_lines = true;
  ChildProcess child(spec);
  ASSERT_TRUE(child.write_line("hello"));
  ASSERT_TRUE(child.write_line("world"));
  std::string line;
  ASSERT_EQ(child.next_line(line, Deadline(30s)), ChildProcess::LineStatus::kLine);
  EXPECT_EQ(line, "hello");
  ASSERT_EQ(child.next_line(line, Deadline(30s)), ChildProcess::LineStatus::kLine);
  EXPECT_EQ(line, "world");
  EXPECT_EQ(child.next_line(line, Deadline(50ms)), ChildProcess::LineStatus::kTimeout);
  child.close_stdin();
  EXPECT_EQ(child.next_line(line, Deadline(30s)), ChildProcess::LineStatus::kEnd);
  const auto status = child.wait(Deadline(30s));
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success());
}

TEST(ChildProcess, TeesOutputToLogFiles) {
  test::ScratchDir dir;
  SpawnSpec spec = shell("echo to-out; echo to-err >&2");
  spec.stdout_log = dir.path() / "out.log";
  spec.stderr_log = dir.path() / "err.log";
  const ToolRun run = run_to_completion(spec, Deadline(30s));
  ASSERT_TRUE(run.status.success());
  EXPECT_EQ(test::read_file(dir.path() / "out.log"), "to-out\n");
  EXPECT_EQ(test::read_file(dir.path() / "err.log"), "to-err\n");
}

TEST(ChildProcess, ReportsAProgramThatCannotStart) {
  SpawnSpec spec;
  spec.argv = {"/nonexistent/program"};
  try {
    ChildProcess child(spec);
    FAIL();
  } catch (const SpawnError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/program"), std::string::npos);
  }
  spec.argv = {"true"};
  spec.cwd = "/nonexistent-dir";
  EXPECT_THROW(ChildProcess{spec}, SpawnError);
}

TEST(ChildProcess, PassesEnvironmentAndWorkingDirectory) {
  test::ScratchDir dir;
  SpawnSpec spec = shell("echo \"$LEAKGATE_TEST_VAR\"; pwd");
  spec.env["LEAKGATE_TEST_VAR"] = "value 1";
  spec.cwd = dir.path();
  const ToolRun run = run_to_completion(spec, Deadline(30s));
  EXPECT_EQ(run.out, "value 1\n" + std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(RenderArgv, QuotesWordsThatNeedIt) {
  EXPECT_EQ(render_argv({"dotnet-dump", "analyze", "-c", "dumpheap -stat"}),
            "dotnet-dump analyze -c 'dumpheap -stat'");
}

}  // namespace
}  // namespace leakgate
