// Accuracy of the memory summary on a real process: a helper maps and touches known amounts of
// memory, and each amount must land in its category. Tolerances are stated per check.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "collect/memory_classifier.h"
#include "collect/memory_collector.h"
#include "collect/proc_parsers.h"
#include "scenario/session.h"

namespace leakgate {
namespace {

namespace fs = std::filesystem;

class MemoryAccuracy : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "leakgate-accuracy-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    manifest_.name = "memory-toucher";
    manifest_.argv = {MEMORY_TOUCHER};
    manifest_.cwd = dir_;
    session_ = std::make_unique<ScenarioSession>(manifest_, dir_ / "logs");
  }
  void TearDown() override {
    if (session_) session_->shutdown();
    session_.reset();
    fs::remove_all(dir_);
  }

  MemorySummary summary() { return classify_memory(read_process_memory(session_->pid())); }
  void run(const std::string& command, std::vector<std::string> args) {
    Step step;
    step.command = command;
    step.args = std::move(args);
    session_->run(step);
  }

  fs::path dir_;
  Manifest manifest_;
  std::unique_ptr<ScenarioSession> session_;
};

// |actual - expected| <= tolerance * expected
void expect_near_kb(std::uint64_t actual, std::uint64_t expected, double tolerance,
                    const char* what) {
  const double error = std::fabs(static_cast<double>(actual) - static_cast<double>(expected));
  EXPECT_LE(error, tolerance * static_cast<double>(expected))
      << what << ": " << actual << " KB, expected " << expected << " KB +- " << tolerance * 100
      << "%";
}

std::int64_t delta(const MemorySummary& before, const MemorySummary& after, MemoryCategory c) {
  return static_cast<std::int64_t>(after.row(c).kbytes) -
         static_cast<std::int64_t>(before.row(c).kbytes);
}

TEST_F(MemoryAccuracy, GrandTotalIsRssPlusPageTables) {
  run("anon", {"8192"});
  const MemorySummary s = summary();
  std::ifstream rollup("/proc/" + std::to_string(session_->pid()) + "/smaps_rollup");
  std::ifstream status("/proc/" + std::to_string(session_->pid()) + "/status");
  std::stringstream r, st;
  r << rollup.rdbuf();
  st << status.rdbuf();
  const auto rss = parse_status_kb(r.str(), "Rss");
  const auto pte = parse_status_kb(st.str(), "VmPTE");
  ASSERT_TRUE(rss && pte);
  expect_near_kb(s.grand_total().kbytes, *rss + *pte, 0.01, "Grand Total Working Set");
}

TEST_F(MemoryAccuracy, AnonymousMemoryIsOtherData) {
  const MemorySummary before = summary();
  run("anon", {"65536"});
  const MemorySummary after = summary();
  expect_near_kb(static_cast<std::uint64_t>(delta(before, after, MemoryCategory::kOtherData)),
                 65536, 0.02, "Other Data growth after touching 64 MiB anonymous");
}

TEST_F(MemoryAccuracy, SmallMallocsAreHeap) {
  const MemorySummary before = summary();
  run("malloc", {"65536"});
  const MemorySummary after = summary();
  expect_near_kb(static_cast<std::uint64_t>(delta(before, after, MemoryCategory::kHeap)), 65536,
                 0.02, "Heap growth after 64 MiB of 4 KiB mallocs");
  EXPECT_LT(std::abs(delta(before, after, MemoryCategory::kOtherData)), 1024);
}

TEST_F(MemoryAccuracy, FileMappingsAreMappedData) {
  const MemorySummary before = summary();
  run("file", {"32768", (dir_ / "data.bin").string()});
  const MemorySummary after = summary();
  expect_near_kb(static_cast<std::uint64_t>(delta(before, after, MemoryCategory::kMappedData)),
                 32768, 0.02, "Mapped Data growth after reading a 32 MiB file mapping");
  EXPECT_LT(std::abs(delta(before, after, MemoryCategory::kCode)), 256);
}

TEST_F(MemoryAccuracy, ThreadStacksAreFoundFromTheThreads) {
  const MemorySummary before = summary();
  run("threads", {"8", "512"});
  const MemorySummary after = summary();
  EXPECT_EQ(after.threads, before.threads + 8);
  EXPECT_EQ(after.stacks_found, after.threads);
  // 8 threads x 512 KiB touched; +10% for the frames around the touched area.
  expect_near_kb(static_cast<std::uint64_t>(delta(before, after, MemoryCategory::kStack)),
                 std::uint64_t{8} * 512, 0.10, "Stack growth after 8 threads touched 512 KiB each");
}

// A running process's mappings change while the kernel lists them in parts (a JIT, a GC): each
// summary still reads one consistent listing, in address order without overlap.
TEST_F(MemoryAccuracy, MappingsChangingWhileReadAreReadConsistently) {
  run("churn", {"4096"});
  for (int read = 0; read < 100; ++read) {
    const ProcessMemory p = read_process_memory(session_->pid());
    ASSERT_FALSE(p.vmas.empty());
    for (std::size_t i = 1; i < p.vmas.size(); ++i) ASSERT_LE(p.vmas[i - 1].end, p.vmas[i].start);
  }
}

}  // namespace
}  // namespace leakgate
