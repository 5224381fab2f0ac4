#include "common/text_lines.h"

#include <gtest/gtest.h>

namespace leakgate {
namespace {

TEST(Text, SecondsAreWrittenWithoutNoise) {
  EXPECT_EQ(text::seconds(2), "2 s");
  EXPECT_EQ(text::seconds(0.5), "0.5 s");
  EXPECT_EQ(text::seconds(120), "120 s");
  EXPECT_EQ(text::seconds(1.23456), "1.235 s");
}

TEST(Text, GroupedDecimalsAndLines) {
  EXPECT_EQ(text::parse_grouped_decimal("95,528"), 95528u);
  EXPECT_FALSE(text::parse_grouped_decimal("9x5").has_value());
  const auto lines = text::split_lines("a\r\nb\nc");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[2], "c");
}

TEST(TextLines, TailLinesKeepsTheLastLinesIndented) {
  EXPECT_EQ(text::tail_lines("", 3), "");
  EXPECT_EQ(text::tail_lines("a\nb\nc\nd\n", 2), "\n    c\n    d");
  EXPECT_EQ(text::tail_lines("only", 5), "\n    only");
  EXPECT_EQ(text::tail_lines("x\r\ny", 1), "\n    y");
}

}  // namespace
}  // namespace leakgate
