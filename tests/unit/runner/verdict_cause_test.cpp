// The one-sentence cause and expect-error judging, on verdicts shaped like
// the ones real failures produce (kinds and texts from the guest code).
#include <gtest/gtest.h>

#include "runner/verdict_cause.hpp"

using namespace ktstr;
using namespace ktstr::runner;

namespace {

ScenarioVerdict failed(std::vector<check::Detail> details) {
  ScenarioVerdict v;
  v.name = "ktstr/T.t";
  v.verdict = Verdict::Fail;
  v.result.passed = false;
  v.result.details = std::move(details);
  return v;
}

ScenarioVerdict ejected() {
  auto v = failed({{check::DetailKind::gap, "worker 0 (pid 12) stuck 4100 ms on cpu2 at +812 ms", "cg_0"},
                   {check::DetailKind::scheduler, "sched_ext disabled scheduler \"fixture\" (runnable task stall)", ""}});
  v.scheduler = {{"ok", false},
                 {"failure", "scheduler ejected by sched_ext"},
                 {"message", "sched_ext disabled scheduler \"fixture\" (runnable task stall)"},
                 {"kernel_exit",
                  {{"scheduler", "fixture"},
                   {"kind", "runnable task stall"},
                   {"reason", {"sched_ext: ktstr_worker[212] failed to run for 5.2s"}}}}};
  return v;
}

}  // namespace

TEST(VerdictCause, SchedulerEjectionIsTheCauseNotTheGapsItCaused) {
  EXPECT_EQ(failure_cause(ejected()),
            "scheduler ejected: runnable task stall: ktstr_worker[212] failed to run for 5.2s");
}

TEST(VerdictCause, FirstFailedCheckWithACountOfTheRest) {
  auto v = failed({{check::DetailKind::gap, "worker 1 (pid 7) stuck 4100 ms on cpu2 at +812 ms", "cg_0"},
                   {check::DetailKind::fairness, "spread 40.0% > 30.0%", "cg_0"}});
  EXPECT_EQ(failure_cause(v), "gap: cg_0: worker 1 (pid 7) stuck 4100 ms on cpu2 at +812 ms (and 1 more)");
}

TEST(VerdictCause, VmFailureComesFirst) {
  auto v = failed({{check::DetailKind::guest, "no result from the guest: ...", ""}});
  v.failure_text = "VM failed: guest kernel panic: Kernel panic - not syncing: Attempted to kill init!\n--- guest console ---\n";
  EXPECT_EQ(failure_cause(v), "guest kernel panic: Kernel panic - not syncing: Attempted to kill init!");
}

TEST(VerdictCause, SchedulerThatNeverAttached) {
  auto v = failed({{check::DetailKind::scheduler, "scheduler /usr/local/bin/x did not attach within 8.0 s", ""}});
  v.scheduler = {{"ok", false},
                 {"failure", "scheduler never attached"},
                 {"message", "scheduler /usr/local/bin/x did not attach within 8.0 s (sched_ext state: disabled)"}};
  EXPECT_EQ(failure_cause(v), "scheduler /usr/local/bin/x did not attach within 8.0 s (sched_ext state: disabled)");
}

TEST(VerdictCause, PassAndSkipHaveNoCause) {
  ScenarioVerdict v;
  v.verdict = Verdict::Pass;
  EXPECT_EQ(failure_cause(v), "");
}

TEST(ExpectError, PassesOnlyForTheStatedReason) {
  auto v = ejected();
  auto ok = judge_expected_failure(v, "runnable task stall");
  EXPECT_TRUE(ok.ok) << ok.message;
  // Text from the kernel's reason lines counts too.
  EXPECT_TRUE(judge_expected_failure(v, "failed to run for").ok);

  auto other = judge_expected_failure(v, "scx_bpf_error");
  EXPECT_FALSE(other.ok);
  EXPECT_EQ(other.message,
            "expected the run to fail with \"scx_bpf_error\", but it failed with: scheduler ejected: runnable task "
            "stall: ktstr_worker[212] failed to run for 5.2s");
}

TEST(ExpectError, APassOrASkipFailsANegativeTest) {
  ScenarioVerdict pass;
  pass.verdict = Verdict::Pass;
  auto p = judge_expected_failure(pass, "stall");
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.message, "expected the run to fail with \"stall\", but it passed");

  ScenarioVerdict skip;
  skip.verdict = Verdict::Skip;
  skip.result = check::CheckResult::skip("needs 2 LLCs");
  auto s = judge_expected_failure(skip, "stall");
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.message, "expected the run to fail with \"stall\", but it was skipped: needs 2 LLCs");
}
