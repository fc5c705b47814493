#include <gtest/gtest.h>

#include "check/thresholds.hpp"

using namespace ktstr::check;

TEST(ThresholdsEmulation, DoublesOnlyTheTimingDefaults) {
  auto native = Thresholds::layered_for(false, {}, {}, BuildFlavor::optimized);
  auto tcg = Thresholds::layered_for(true, {}, {}, BuildFlavor::optimized);
  EXPECT_EQ(*native.max_spread_pct, 15);
  EXPECT_EQ(*tcg.max_spread_pct, 30);
  EXPECT_EQ(*native.max_gap_ms, 2000u);
  EXPECT_EQ(*tcg.max_gap_ms, 4000u);
  EXPECT_EQ(native.starvation, tcg.starvation);
}

TEST(ThresholdsEmulation, ExplicitSchedulerAndTestValuesStillWin) {
  Thresholds sched, test;
  sched.max_spread_pct = 20;
  test.max_gap_ms = 500;
  auto t = Thresholds::layered_for(true, sched, test, BuildFlavor::optimized);
  EXPECT_EQ(*t.max_spread_pct, 20);
  EXPECT_EQ(*t.max_gap_ms, 500u);
}
