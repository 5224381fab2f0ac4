#include "common/atomic_file.h"

#include <gtest/gtest.h>

#include "common/errors.h"
#include "unit/test_support.h"

namespace leakgate {
namespace {

TEST(AtomicFile, WritesAndReplaces) {
  test::ScratchDir dir;
  const auto file = dir.path() / "a.json";
  write_file_atomically(file, "one\n");
  EXPECT_EQ(test::read_file(file), "one\n");
  write_file_atomically(file, "two\n");
  EXPECT_EQ(test::read_file(file), "two\n");
}

TEST(AtomicFile, FailureLeavesTheTargetAsItWas) {
  test::ScratchDir dir;
  const auto file = dir.path() / "a.json";
  write_file_atomically(file, "kept\n");
  // A directory where the target should be: rename fails after the temp file was written.
  const auto blocked = dir.path() / "blocked";
  std::filesystem::create_directories(blocked / "inner");
  EXPECT_THROW(write_file_atomically(blocked, "x"), ToolError);
  EXPECT_EQ(test::read_file(file), "kept\n");
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 2);  // a.json and blocked/, no temp file left behind
  EXPECT_THROW(write_file_atomically(dir.path() / "missing" / "a.json", "x"), ToolError);
}

}  // namespace
}  // namespace leakgate
