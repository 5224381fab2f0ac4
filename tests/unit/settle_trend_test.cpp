#include <gtest/gtest.h>

#include "pipeline/settler.h"

namespace leakgate {
namespace {

// The readings of the ASP.NET Core service after a spike (resident KB, one per induced
// GC): falling, so converging, not "something keeps allocating".
TEST(SettleTrend, AProcessGivingMemoryBackIsFalling) {
  EXPECT_EQ(settle_trend({308532, 273208, 256744, 223712, 190692, 174180}, 512), Trend::kFalling);
}

TEST(SettleTrend, RisingFlatAndBoth) {
  EXPECT_EQ(settle_trend({1000, 2000, 3000}, 512), Trend::kRising);
  EXPECT_EQ(settle_trend({1000, 1200, 1100}, 512), Trend::kFlat);  // within the tolerance
  EXPECT_EQ(settle_trend({1000, 3000, 1000}, 512), Trend::kBoth);
  EXPECT_EQ(settle_trend({1000}, 512), Trend::kFlat);
  EXPECT_EQ(settle_trend({}, 512), Trend::kFlat);
}

}  // namespace
}  // namespace leakgate
