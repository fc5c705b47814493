#include "check/stats.hpp"

#include <gtest/gtest.h>

#include "check/summary_math.hpp"
#include "unit/check/builders.hpp"

using namespace ktstr::check;
using ktstr::CpuList;
using test::group;
using test::healthy;
using test::kMs;

TEST(SummaryMath, EmptyIsZeroNotNan) {
  EXPECT_EQ(mean_of({}), 0);
  EXPECT_EQ(cv_of({}), 0);
  EXPECT_EQ(cv_of({0, 0}), 0);
  EXPECT_EQ(percentile_of({}, 99), 0);
}

TEST(SummaryMath, NearestRankPercentile) {
  std::vector<double> v{5, 1, 4, 2, 3};
  EXPECT_EQ(percentile_of(v, 50), 3);
  EXPECT_EQ(percentile_of(v, 99), 5);
  EXPECT_EQ(percentile_of(v, 0), 1);
  EXPECT_DOUBLE_EQ(cv_of({1, 3}), 0.5);
}

TEST(Summarize, OneGroup) {
  auto g = group({healthy(0), healthy(1)});
  g.workers[1].off_cpu_ns = 600 * kMs;  // 30 %
  g.workers[1].cpus_used = {2};
  g.workers[1].max_gap_ns = 40 * kMs;
  g.workers[1].max_gap_cpu = 2;
  g.workers[0].wake_latencies_ns = {1000, 2000, 3000};
  g.workers[0].run_delay_ns = 4'000'000;  // 4 ms over 100 slices: 40 us
  g.workers[0].run_count = 100;
  g.workers[1].run_delay_ns = 6'000'000;  // 6 ms over 50: 120 us
  g.workers[1].run_count = 50;
  g.expected_nodes = {0};
  g.workers[0].numa_pages = {30, 10};
  auto s = summarize(g);
  EXPECT_EQ(s.workers, 2u);
  EXPECT_EQ(s.cpus, (CpuList{0, 1, 2}));
  EXPECT_DOUBLE_EQ(s.off_cpu_avg_pct, 20);
  EXPECT_DOUBLE_EQ(s.off_cpu_min_pct, 10);
  EXPECT_DOUBLE_EQ(s.off_cpu_max_pct, 30);
  EXPECT_DOUBLE_EQ(s.spread_pct, 20);
  EXPECT_EQ(s.max_gap_ms, 40u);
  EXPECT_EQ(s.max_gap_cpu, 2u);
  EXPECT_EQ(s.migrations, 10u);
  EXPECT_DOUBLE_EQ(s.migration_ratio, 0.005);
  EXPECT_EQ(s.iterations, 2000u);
  EXPECT_DOUBLE_EQ(s.p99_wake_latency_us, 3);
  EXPECT_DOUBLE_EQ(s.median_wake_latency_us, 2);
  EXPECT_EQ(s.wake_samples, 3u);
  EXPECT_NEAR(s.mean_run_delay_us, 10e6 / 150 / 1e3, 1e-9);
  EXPECT_DOUBLE_EQ(s.max_run_delay_us, 120);
  EXPECT_EQ(s.page_locality, 0.75);
}

TEST(Summarize, SentinelCountsButAddsNoSamples) {
  WorkerStats dead;
  dead.index = 1;
  dead.reported = false;
  auto s = summarize(group({healthy(0), dead}));
  EXPECT_EQ(s.workers, 2u);
  EXPECT_EQ(s.spread_pct, 0);
  EXPECT_DOUBLE_EQ(s.off_cpu_avg_pct, 10);
}

TEST(Stats, RollUpsAcrossGroups) {
  auto a = group({healthy(0), healthy(1)}, "cg_0");
  auto b = group({healthy(0), healthy(1)}, "cg_1");
  b.workers[0].off_cpu_ns = 800 * kMs;  // spread 30
  b.workers[0].cpus_used = {5};
  b.workers[1].max_gap_ns = 99 * kMs;
  b.workers[1].max_gap_cpu = 5;
  b.workers[1].migrations = 1995;  // ratio 1.0
  a.workers[0].wake_latencies_ns = {50'000};
  b.workers[0].wake_latencies_ns = {10'000, 20'000, 30'000};
  b.workers[0].run_delay_ns = 1'000'000;
  b.workers[0].run_count = 10;

  Stats s;
  s.add(summarize(a));
  Stats other;
  other.add(summarize(b));
  s.merge(other);
  EXPECT_EQ(s.cgroups.size(), 2u);
  EXPECT_EQ(s.total_workers, 4u);
  EXPECT_EQ(s.total_cpus, 3u);  // {0,1} ∪ {0,1,5}
  EXPECT_DOUBLE_EQ(s.worst_spread, 30);
  EXPECT_EQ(s.worst_gap_ms, 99u);
  EXPECT_EQ(s.worst_gap_cpu, 5u);
  EXPECT_EQ(s.total_migrations, 2010u);
  EXPECT_DOUBLE_EQ(s.worst_migration_ratio, 1.0);
  EXPECT_DOUBLE_EQ(s.worst_p99_wake_latency_us, 50);
  EXPECT_DOUBLE_EQ(s.worst_median_wake_latency_us, 50);
  EXPECT_GT(s.worst_wake_latency_cv, 0.4);
  EXPECT_EQ(s.total_iterations, 4000u);
  EXPECT_DOUBLE_EQ(s.worst_mean_run_delay_us, 100);
  EXPECT_DOUBLE_EQ(s.worst_run_delay_us, 100);
}
