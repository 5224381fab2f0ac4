#include "common/atomic_file.h"

#include <gtest/gtest.h>

#include "common/errors.h"
#include "unit/test_support.h"

namespace leakgate {
namespace {

// Files flushed to disk (baselines) and files every run writes again (reports) alike.
class AtomicFile : public ::testing::TestWithParam<Durability> {};

TEST_P(AtomicFile, WritesAndReplaces) {
  test::ScratchDir dir;
  const auto file = dir.path() / "a.json";
  write_file_atomically(file, "one\n", GetParam());
  EXPECT_EQ(test::read_file(file), "one\n");
  write_file_atomically(file, "two\n", GetParam());
  EXPECT_EQ(test::read_file(file), "two\n");
}

TEST_P(AtomicFile, FailureLeavesTheTargetAsItWas) {
  test::ScratchDir dir;
  const auto file = dir.path() / "a.json";
  write_file_atomically(file, "kept\n", GetParam());
  // A directory where the target should be: rename fails after the temp file was written.
  const auto blocked = dir.path() / "blocked";
  std::filesystem::create_directories(blocked / "inner");
  EXPECT_THROW(write_file_atomically(blocked, "x", GetParam()), ToolError);
  EXPECT_EQ(test::read_file(file), "kept\n");
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 2);  // a.json and blocked/, no temp file left behind
  EXPECT_THROW(write_file_atomically(dir.path() / "missing" / "a.json", "x", GetParam()),
               ToolError);
}

INSTANTIATE_TEST_SUITE_P(Durabilities, AtomicFile,
                         ::testing::Values(Durability::kOnDisk, Durability::kRewrittenEachRun),
                         [](const auto& param_info) {
                           return param_info.param == Durability::kOnDisk ? "OnDisk"
                                                                          : "RewrittenEachRun";
                         });

}  // namespace
}  // namespace leakgate
