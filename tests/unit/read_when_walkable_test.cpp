// The retry around a heap read that found the process in the middle of a garbage collection.
#include <gtest/gtest.h>

#include <string>

#include "collect/heap_engine.h"

namespace leakgate {
namespace {

EngineError mid_gc() {
  return EngineError("heap-not-walkable", "the heap cannot be walked: stopped in a collection");
}

TEST(ReadWhenWalkable, ReadsAgainUntilTheCollectionIsOver) {
  int calls = 0;
  const int value =
      read_when_walkable(Deadline(std::chrono::seconds(30)), "checkpoint 'final'", [&] {
        if (++calls < 3) throw mid_gc();
        return 42;
      });
  EXPECT_EQ(value, 42);
  EXPECT_EQ(calls, 3);
}

TEST(ReadWhenWalkable, OtherErrorsAreThrownAtOnce) {
  int calls = 0;
  try {
    read_when_walkable(Deadline(std::chrono::seconds(30)), "x", [&]() -> int {
      ++calls;
      throw EngineError("no-process", "the process is gone");
    });
    FAIL() << "no error";
  } catch (const EngineError& e) {
    EXPECT_EQ(e.kind(), "no-process");
    EXPECT_STREQ(e.what(), "the process is gone");
  }
  EXPECT_EQ(calls, 1);
}

TEST(ReadWhenWalkable, GivesUpAfterSixAttemptsSayingSo) {
  int calls = 0;
  try {
    read_when_walkable(Deadline(std::chrono::seconds(30)), "checkpoint 'warmup'", [&]() -> int {
      ++calls;
      throw mid_gc();
    });
    FAIL() << "no error";
  } catch (const EngineError& e) {
    EXPECT_EQ(e.kind(), "heap-not-walkable");
    const std::string what = e.what();
    EXPECT_NE(what.find("checkpoint 'warmup', 6 attempts"), std::string::npos) << what;
  }
  EXPECT_EQ(calls, 6);
}

TEST(ReadWhenWalkable, DoesNotPauseBeyondTheDeadline) {
  int calls = 0;
  try {
    read_when_walkable(Deadline(std::chrono::milliseconds(120)), "x", [&]() -> int {
      ++calls;
      throw mid_gc();
    });
    FAIL() << "no error";
  } catch (const EngineError& e) {
    EXPECT_NE(std::string(e.what()).find("attempts"), std::string::npos) << e.what();
  }
  // 50 ms, then 100 ms: the third pause (200 ms) would pass the deadline.
  EXPECT_LE(calls, 3);
  EXPECT_GE(calls, 1);
}

}  // namespace
}  // namespace leakgate
