// The cgroup control checks both ways: measurements within tolerance pass
// (and are still reported), one changed number fails with measured vs
// configured in the message.
#include "check/control_checks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace ktstr::check;
using ::testing::HasSubstr;

namespace {

ShareWindow shares(uint64_t lo_ms, uint64_t hi_ms) {
  return {"step 1", 3.0, {{"cg_lo", 100, lo_ms * 1000}, {"cg_hi", 300, hi_ms * 1000}}};
}

BandwidthWindow bandwidth(uint64_t used_ms) {
  BandwidthWindow b;
  b.cgroup = "cg_cap";
  b.window = "step 1";
  b.quota_us = 50000;
  b.period_us = 100000;
  b.usage_us = used_ms * 1000;
  b.wall_us = 3000 * 1000;
  b.nr_throttled = 30;
  b.throttled_us = 1500 * 1000;
  return b;
}

}  // namespace

TEST(WeightedShare, RatioWithinTolerancePassesAndIsReported) {
  auto r = check_weighted_share(shares(760, 2240), 0.25);  // 2.95x vs 3x
  EXPECT_TRUE(r.passed);
  ASSERT_EQ(r.stats.controls.size(), 1u);
  EXPECT_EQ(r.stats.controls[0].check, "weighted_share");
  EXPECT_EQ(r.stats.controls[0].cgroup, "cg_hi");
  EXPECT_NEAR(r.stats.controls[0].measured, 2.947, 0.01);
  EXPECT_DOUBLE_EQ(r.stats.controls[0].expected, 3.0);
}

TEST(WeightedShare, EqualSplitUnderWeightsFailsWithMeasuredAndConfigured) {
  auto r = check_weighted_share(shares(1500, 1500), 0.25);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].kind, DetailKind::weighted_share);
  EXPECT_EQ(r.details[0].cgroup, "cg_hi");
  EXPECT_EQ(r.details[0].message,
            "weighted share off by 67% (tolerance 25%): step 1: cg_hi got 1.00x the CPU time of cg_lo, configured "
            "3.00x (cpu.weight 300 vs 100); CPU 1500 ms vs 1500 ms in 3.0 s");
}

TEST(WeightedShare, StarvedBaseIsAnInfiniteRatioAndNoToleranceMeansReportOnly) {
  EXPECT_FALSE(check_weighted_share(shares(0, 3000), 0.25).passed);
  auto r = check_weighted_share(shares(1500, 1500), std::nullopt);
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.stats.controls.size(), 1u);
  EXPECT_TRUE(check_weighted_share({"step 1", 1, {{"only", 100, 5}}}, 0.1).stats.controls.empty());
}

TEST(Bandwidth, WithinQuotaPasses) {
  auto r = check_bandwidth(bandwidth(1550), 0.15);  // 0.52 CPUs of 0.5
  EXPECT_TRUE(r.passed);
  ASSERT_EQ(r.stats.controls.size(), 1u);
  EXPECT_NEAR(r.stats.controls[0].measured, 0.5167, 0.001);
  EXPECT_DOUBLE_EQ(r.stats.controls[0].expected, 0.5);
}

TEST(Bandwidth, OverQuotaFailsWithUsedVsQuota) {
  auto r = check_bandwidth(bandwidth(2400), 0.15);  // 0.8 CPUs of 0.5
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].kind, DetailKind::bandwidth);
  EXPECT_EQ(r.details[0].message,
            "over its CPU bandwidth by 60% (tolerance 15%): step 1: cg_cap used 0.80 CPUs (2400 ms of CPU in 3000 ms), "
            "cpu.max allows 0.50 (50000 100000); throttled 30 times for 1500 ms");
}

TEST(Freeze, NoCpuWhileFrozenAndProgressAfterThawPasses) {
  FreezeSpan f{"cg_1", 2, 1.0, 500, 2.2, 2.2, 400000, 0.9, false};
  auto r = check_freeze(f, true, true);
  EXPECT_TRUE(r.passed) << r.details[0].message;
  ASSERT_EQ(r.stats.controls.size(), 1u);
  EXPECT_EQ(r.stats.controls[0].text,
            "cg_1 frozen +1.00..+2.20 s: 0.5 ms of CPU while frozen, 400 ms in the 0.90 s after the thaw");
}

TEST(Freeze, RunningWhileFrozenFails) {
  FreezeSpan f{"cg_1", 2, 1.0, 300000, 2.2, 2.2, 400000, 0.9, false};
  auto r = check_freeze(f, true, false);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].kind, DetailKind::freeze);
  EXPECT_EQ(r.details[0].message, "cg_1 ran 300.0 ms of CPU while frozen (frozen +1.00..+2.20 s)");
}

TEST(Freeze, NoProgressAfterThawFails) {
  FreezeSpan f{"cg_1", 2, 1.0, 0, 2.2, 2.2, 0, 0.9, false};
  auto r = check_freeze(f, true, false);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].message, "cg_1 did not resume after the thaw at +2.20 s: no CPU time in the 0.90 s after");
  // Too little time after the thaw to judge.
  f.after_thaw_s = 0.05;
  EXPECT_TRUE(check_freeze(f, true, false).passed);
}

TEST(Freeze, NeverThawedStarvesUnlessRemovedOnPurpose) {
  FreezeSpan f{"cg_1", 2, 1.0, 0, std::nullopt, 3.0, 0, 0, false};
  auto r = check_freeze(f, false, true);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].kind, DetailKind::starvation);
  EXPECT_EQ(r.details[0].cgroup, "cg_1");
  EXPECT_EQ(r.details[0].message,
            "cgroup cg_1 was frozen at +1.00 s and never thawed: its 2 worker(s) made no progress for the last 2.00 s");
  f.removed = true;
  EXPECT_TRUE(check_freeze(f, false, true).passed);
}

TEST(Freeze, FrozenTimeIsNotASchedulingGap) {
  WorkerStats w;
  w.max_gap_ns = 1200'000'000;  // 1.2 s gap from +1.0 s, 1.0 s of it frozen
  w.max_gap_at_ns = 1000'000'000;
  discount_frozen(w, {{1100'000'000, 2100'000'000}});
  EXPECT_EQ(w.max_gap_ns, 200'000'000u);
}
