// The gap rule, in-process: time lost inside compute is a gap, time spent
// blocking on purpose is not.
#include <gtest/gtest.h>

#include "unit/workload/helpers.hpp"
#include "workload/clock.hpp"
#include "workload/probe.hpp"

using namespace ktstr::workload;
using namespace ktstr::workload::test;

TEST(Probe, GapCountsComputeButNotVoluntaryBlocking) {
  Probe p;
  p.begin();
  p.checkpoint();
  p.block_begin();
  // A deliberate sleep, excluded; long enough that a loaded host (2 shared
  // cores, VMs beside us) cannot stretch the 30 ms gap below to reach it.
  sleep_ms(400);
  p.block_end();
  p.checkpoint();
  sleep_ms(30);  // "preempted" inside compute: a gap
  p.checkpoint();
  WorkerReport r;
  p.finish(r);
  EXPECT_GE(r.max_gap_ns, 30'000'000u);
  EXPECT_LT(r.max_gap_ns, 400'000'000u);
  EXPECT_GE(r.max_gap_at_ns, 400'000'000u) << "the gap began after the sleep";
  EXPECT_GE(r.max_gap_cpu, 0);
  EXPECT_GE(r.wall_time_ns, 430'000'000u);
  EXPECT_GE(r.off_cpu_ns, 400'000'000u) << "sleeping is off-CPU";
  EXPECT_FALSE(r.cpus_used.empty());
  EXPECT_TRUE(r.wake_latencies_ns.empty());
}

TEST(Probe, WakeLatencyIsMeasuredFromTheExpectedWake) {
  Probe p;
  p.begin();
  p.block_begin();
  const uint64_t expected = now_ns();
  sleep_ms(20);  // woke 20 ms "late"
  p.block_end_woken(expected);
  p.block_begin();
  p.block_end_woken(now_ns() + 1'000'000'000);  // early wakes clamp to 0
  WorkerReport r;
  p.finish(r);
  ASSERT_EQ(r.wake_latencies_ns.size(), 2u);
  EXPECT_EQ(r.wake_samples_seen, 2u);
  EXPECT_GE(r.wake_latencies_ns[0], 20'000'000u);
  EXPECT_EQ(r.wake_latencies_ns[1], 0u);
  EXPECT_LT(r.max_gap_ns, 20'000'000u);
}
