// Every check both ways: a healthy group passes, one changed number fails it
// with a message that names the culprit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "check/worker_checks.hpp"
#include "unit/check/builders.hpp"

using namespace ktstr::check;
using ktstr::CpuList;
using test::group;
using test::healthy;
using test::kMs;
using ::testing::HasSubstr;

namespace {
GroupInput two_healthy() { return group({healthy(0), healthy(1)}); }
}  // namespace

TEST(Starvation, PassesWhenEveryWorkerProgressed) { EXPECT_TRUE(check_starvation(two_healthy()).empty()); }

TEST(Starvation, ZeroWorkUnitsFails) {
  auto g = two_healthy();
  g.workers[1].work_units = 0;
  auto d = check_starvation(g);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DetailKind::starvation);
  EXPECT_EQ(d[0].cgroup, "cg_0");
  EXPECT_EQ(d[0].message, "worker 1 (pid 101) starved: 0 work units (exited 0)");
}

TEST(Starvation, SentinelForADeadWorkerFails) {
  WorkerStats dead;
  dead.index = 2;
  dead.pid = 777;
  dead.reported = false;
  dead.completed = false;
  dead.exit = "killed by signal 9";
  auto g = group({healthy(0), healthy(1), dead});
  auto d = check_starvation(g);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "worker 2 (pid 777) starved: never reported (killed by signal 9)");
}

TEST(Fairness, SpreadWithinLimitPasses) {
  auto g = two_healthy();
  g.workers[1].off_cpu_ns = 400 * kMs;  // 20 % vs 10 %: spread 10
  EXPECT_TRUE(check_fairness(g, 15).empty());
}

TEST(Fairness, SpreadAboveLimitFails) {
  auto g = two_healthy();
  g.workers[1].off_cpu_ns = 1000 * kMs;  // 50 % vs 10 %: spread 40
  auto d = check_fairness(g, 15);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DetailKind::fairness);
  EXPECT_EQ(d[0].message, "unfair: off-CPU spread 40.0% > 15% (worker 0 10.0%, worker 1 50.0%)");
}

TEST(Fairness, NeedsTwoWorkers) {
  auto g = group({healthy(0)});
  g.workers[0].off_cpu_ns = 1900 * kMs;
  EXPECT_TRUE(check_fairness(g, 15).empty());
  // A sentinel does not count as the second worker.
  WorkerStats dead;
  dead.reported = false;
  g.workers.push_back(dead);
  EXPECT_TRUE(check_fairness(g, 15).empty());
}

TEST(Gap, ShortGapsPass) { EXPECT_TRUE(check_gaps(two_healthy(), 2000).empty()); }

TEST(Gap, LongGapReportsWorkerCpuAndTime) {
  auto g = group({healthy(0), healthy(3, 123)});
  g.workers[1].max_gap_ns = 2345 * kMs + 400'000;
  g.workers[1].max_gap_cpu = 1;
  g.workers[1].max_gap_at_ns = 812 * kMs + 7;
  auto d = check_gaps(g, 2000);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DetailKind::gap);
  EXPECT_EQ(d[0].message, "worker 3 (pid 123) stuck 2345 ms on cpu1 at +812 ms");
  // The limit itself is not a failure.
  g.workers[1].max_gap_ns = 2000 * kMs;
  EXPECT_TRUE(check_gaps(g, 2000).empty());
}

TEST(Isolation, InsideCpusetPasses) {
  auto g = two_healthy();
  g.cpuset = CpuList{0, 1, 2, 3};
  EXPECT_TRUE(check_isolation(g).empty());
  g.cpuset.reset();  // no cpuset: nothing to judge
  g.workers[0].cpus_used = {9};
  EXPECT_TRUE(check_isolation(g).empty());
}

TEST(Isolation, OutsideCpusetFails) {
  auto g = two_healthy();
  g.cpuset = CpuList{0, 1, 2, 3};
  g.workers[1].cpus_used = {2, 5, 6};
  auto d = check_isolation(g);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DetailKind::isolation);
  EXPECT_EQ(d[0].message, "worker 1 (pid 101) ran on cpus 5-6 outside cgroup cg_0's cpuset 0-3");
}

TEST(Throughput, EvenRatesPass) { EXPECT_TRUE(check_throughput(two_healthy(), 0.1, 1000).empty()); }

TEST(Throughput, HighCvFails) {
  auto g = two_healthy();
  g.workers[1].work_units = 1'000;  // 10x slower per CPU-second
  auto d = check_throughput(g, 0.25, std::nullopt);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DetailKind::throughput);
  EXPECT_THAT(d[0].message, HasSubstr("throughput CV 0.82 > 0.25 across 2 workers"));
}

TEST(Throughput, LowRateFailsPerWorker) {
  auto g = two_healthy();  // 10000 units / 1.8 CPU-s = 5555.6
  EXPECT_TRUE(check_throughput(g, std::nullopt, 5000).empty());
  auto d = check_throughput(g, std::nullopt, 6000);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message, "worker 0 (pid 100) work rate 5555.6 units/CPU-s < 6000");
}

TEST(WakeLatency, P99AndCv) {
  auto g = two_healthy();
  for (int i = 0; i < 99; ++i) g.workers[0].wake_latencies_ns.push_back(10'000);  // 10 us
  g.workers[1].wake_latencies_ns.push_back(900'000);                              // one 900 us outlier
  EXPECT_TRUE(check_wake_latency(g, 20, std::nullopt).empty());                   // p99 is the 99th of 100: 10 us
  g.workers[1].wake_latencies_ns.push_back(900'000);
  auto d = check_wake_latency(g, 20, std::nullopt);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "wake latency p99 900.0 us > 20 us (101 samples)");
  auto cv = check_wake_latency(g, std::nullopt, 1.0);
  ASSERT_EQ(cv.size(), 1u);
  EXPECT_THAT(cv[0].message, HasSubstr("wake latency CV"));
  EXPECT_TRUE(check_wake_latency(two_healthy(), 1, 0.01).empty());  // no samples, nothing to judge
}

TEST(IterationRate, SlowWorkerFails) {
  auto g = two_healthy();  // 1000 iterations in 2 s = 500/s
  EXPECT_TRUE(check_iteration_rate(g, 400).empty());
  g.workers[0].iterations = 10;
  auto d = check_iteration_rate(g, 400);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DetailKind::iteration_rate);
  EXPECT_EQ(d[0].message, "worker 0 (pid 100) iteration rate 5.0/s < 400/s");
}

TEST(MigrationRatio, PooledOverGroup) {
  auto g = two_healthy();  // 10 migrations / 2000 iterations
  EXPECT_TRUE(check_migration_ratio(g, 0.01).empty());
  g.workers[1].migrations = 995;
  auto d = check_migration_ratio(g, 0.1);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "migration ratio 0.500 > 0.1 (1000 migrations / 2000 iterations)");
}

TEST(Numa, LocalityMigrationAndSlowTier) {
  auto g = two_healthy();
  g.expected_nodes = {0};
  g.slow_tier_nodes = {2};
  g.workers[0].numa_pages = {90, 10};
  g.workers[1].numa_pages = {90, 0, 10};
  Thresholds t;
  t.min_page_locality = 0.8;
  t.max_cross_node_migration_ratio = 0.1;
  t.max_slow_tier_ratio = 0.1;
  EXPECT_TRUE(check_numa(g, t).empty());  // 180/200 local, no migrations, 5 % slow

  g.workers[1].numa_pages = {10, 0, 80};
  g.workers[0].numa_migrated_pages = 50;
  auto d = check_numa(g, t);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].message, "page locality 0.53 < 0.8 (expected nodes 0, 190 pages)");
  EXPECT_THAT(d[1].message, HasSubstr("cross-node migration ratio 0.26 > 0.1"));
  EXPECT_THAT(d[2].message, HasSubstr("slow-tier ratio 0.42 > 0.1 (80 of 190 pages on nodes 2)"));
}

TEST(CheckGroup, DefaultsCatchStarvationOnly) {
  auto t = Thresholds::defaults(BuildFlavor::optimized);
  auto g = two_healthy();
  g.cpuset = CpuList{0};
  g.workers[0].migrations = 100'000;  // opt-in checks stay quiet
  EXPECT_TRUE(check_group(g, t).passed);

  g.workers[0].work_units = 0;
  auto r = check_group(g, t);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].kind, DetailKind::starvation);
  ASSERT_EQ(r.stats.cgroups.size(), 1u);
  EXPECT_EQ(r.stats.cgroups[0].cgroup, "cg_0");
}

TEST(CheckGroup, UnsetThresholdsDisableEverything) {
  auto g = two_healthy();
  g.workers[0].work_units = 0;
  g.workers[0].max_gap_ns = 10'000 * kMs;
  EXPECT_TRUE(check_group(g, Thresholds{}).passed);
}

TEST(CheckGroup, EnabledChecksAllReport) {
  Thresholds t = Thresholds::defaults(BuildFlavor::optimized);
  t.isolation = true;
  t.max_migration_ratio = 0.001;
  auto g = two_healthy();
  g.cpuset = CpuList{0};
  g.workers[1].max_gap_ns = 2500 * kMs;
  auto r = check_group(g, t);
  std::vector<DetailKind> kinds;
  for (const auto& d : r.details) kinds.push_back(d.kind);
  EXPECT_EQ(kinds, (std::vector<DetailKind>{DetailKind::gap, DetailKind::isolation, DetailKind::isolation,
                                            DetailKind::migration}));
}

TEST(CheckGroup, GroupsMergeIntoOneVerdict) {
  auto t = Thresholds::defaults(BuildFlavor::optimized);
  auto bad = group({healthy(0), healthy(1)}, "cg_1");
  bad.workers[0].work_units = 0;
  auto r = check_groups({two_healthy(), bad}, t);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.stats.cgroups.size(), 2u);
  EXPECT_EQ(r.stats.total_workers, 4u);
}
