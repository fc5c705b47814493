// Snapshot of the failure text: details first, then the aligned stats block.
#include "check/report.hpp"

#include <gtest/gtest.h>

#include "check/worker_checks.hpp"
#include "unit/check/builders.hpp"

using namespace ktstr::check;
using test::group;
using test::healthy;
using test::kMs;

TEST(Report, FailureSnapshot) {
  auto a = group({healthy(0), healthy(1)}, "cg_0");
  auto b = group({healthy(0), healthy(3, 123)}, "cg_1");
  b.work_type = "YieldHeavy";
  b.workers[1].max_gap_ns = 2345 * kMs;
  b.workers[1].max_gap_at_ns = 812 * kMs;
  b.workers[1].off_cpu_ns = 300 * kMs;
  b.workers[0].wake_latencies_ns = {40'000, 60'000};
  auto r = check_groups({a, b}, Thresholds::defaults(BuildFlavor::optimized));
  const char* expected =
      "FAILED\n"
      "  [gap] cg_1: worker 3 (pid 123) stuck 2345 ms on cpu1 at +812 ms\n"
      "\n"
      "stats:\n"
      "  cgroup           workers  cpus  off-cpu% avg/min/max  spread%       max gap  migrations  wake us p99/med  "
      "wake cv  iterations  run delay us mean/max\n"
      "  cg_0 CpuSpin           2     2        10.0/10.0/10.0      0.0    12 ms cpu1  10 (0.005)          0.0/0.0     "
      "0.00        2000                0.0/0.0\n"
      "  cg_1 YieldHeavy        2     2        12.5/10.0/15.0      5.0  2345 ms cpu1  10 (0.005)        60.0/40.0     "
      "0.20        2000                0.0/0.0\n"
      "  total/worst            4     2                     -      5.0  2345 ms cpu1  20 (0.005)        60.0/40.0     "
      "0.20        4000                0.0/0.0\n";
  EXPECT_EQ(format_report(r), expected) << format_report(r);
}

TEST(Report, PassAndSkip) {
  EXPECT_EQ(format_report(CheckResult::skip("needs 2 LLCs, topology has 1")),
            "SKIPPED: needs 2 LLCs, topology has 1\n");
  EXPECT_EQ(format_report(CheckResult::pass()), "PASSED\n");
  auto r = CheckResult::pass();
  r.fail(DetailKind::scheduler, "scheduler died: exit 1");
  EXPECT_EQ(format_report(r), "FAILED\n  [scheduler] scheduler died: exit 1\n");
}
