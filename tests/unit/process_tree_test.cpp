#include "process/process_tree.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace leakgate {
namespace {

TEST(ProcessTree, ReadsTheParentAfterACommandNameWithSpacesAndParentheses) {
  // /proc/<pid>/stat: "<pid> (<comm>) <state> <ppid> ..."; comm is what the process named itself.
  EXPECT_EQ(process_tree::parse_stat_ppid("4242 (dotnet) S 4200 4242 4200 0 -1"), 4200);
  EXPECT_EQ(process_tree::parse_stat_ppid("17 (a) b (c)) R 9 17 9 0"), 9);
  EXPECT_EQ(process_tree::parse_stat_ppid("1 (init) S 0 1 1 0"), 0);
  EXPECT_FALSE(process_tree::parse_stat_ppid(""));
  EXPECT_FALSE(process_tree::parse_stat_ppid("12 (no end S 3 4"));
  EXPECT_FALSE(process_tree::parse_stat_ppid("12 (x) S"));
  EXPECT_FALSE(process_tree::parse_stat_ppid("12 (x) S -"));
  EXPECT_FALSE(process_tree::parse_stat_ppid("12 (x) S 3x 4"));
}

TEST(ProcessTree, ThisProcessDescendsFromItsParentAndIsItsUsers) {
  EXPECT_EQ(process_tree::parent_of(::getpid()), ::getppid());
  EXPECT_TRUE(process_tree::descends_from(::getpid(), ::getpid()));
  EXPECT_TRUE(process_tree::descends_from(::getpid(), ::getppid()));
  EXPECT_FALSE(process_tree::descends_from(::getppid(), ::getpid()));
  EXPECT_EQ(process_tree::owner_of(::getpid()), ::getuid());
}

TEST(ProcessTree, AProcessThatIsGoneHasNoParentOrOwner) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);  // reaped: /proc/<child> is gone
  EXPECT_FALSE(process_tree::parent_of(child));
  EXPECT_FALSE(process_tree::owner_of(child));
  EXPECT_FALSE(process_tree::descends_from(child, ::getpid()));
}

}  // namespace
}  // namespace leakgate
