// ktstr's own KTSTR_TEST suite: the public API exactly as a scheduler
// author uses it (only <ktstr/ktstr.hpp>, linked against libktstr).
//
// ktstr/Api.*         run under ctest and must pass.
// ktstr/DISABLED_*    fail on purpose; tests/vm/api_binary_test.cpp runs them
//                     and checks what their failures say.
#include <ktstr/ktstr.hpp>

using namespace std::chrono_literals;
using ktstr::CgroupDef;
using ktstr::CpusetSpec;
using ktstr::Scenario;
using ktstr::Step;
using ktstr::Work;

// A user work function: a short compute burst, then a nap.
KTSTR_WORK(spin_then_nap) {
  worker.spin(2048);
  worker.sleep_for(200us);
}

namespace {

Scenario two_groups(std::string name, std::string work_a, std::string work_b) {
  Scenario s;
  s.name = std::move(name);
  s.steps.push_back(Step{{},
                         {CgroupDef::named("cg_a").with_cpuset(CpusetSpec::disjoint(0, 2)).with_work(Work::of(work_a)),
                          CgroupDef::named("cg_b").with_cpuset(CpusetSpec::disjoint(1, 2)).with_work(Work::of(work_b))},
                         {}});
  return s;
}

}  // namespace

// Host-only: no VM (tests/vm/api_binary_test.cpp proves none boots).
KTSTR_TEST(Api, HostOnlyBodyRunsOnTheHost, {.host_only = true}) {
  EXPECT_FALSE(ctx.in_guest());
  EXPECT_EQ(ctx.variant(), "ktstr/Api.HostOnlyBodyRunsOnTheHost");
  EXPECT_FALSE(ctx.layout().usable.empty());
  // The model is plain data: build, compare, inspect.
  auto s = two_groups("model", "CpuSpin", "spin_then_nap");
  EXPECT_EQ(s.steps.at(0).cgroups.at(1).works.at(0).type, "spin_then_nap");
  EXPECT_EQ(CpusetSpec::parse("disjoint(1,2)"), CpusetSpec::disjoint(1, 2));
}

// In the VM, under the fixture scheduler: two scenarios, custom work,
// assertions on the stats, the variant's identity.
KTSTR_TEST(Api, FixtureRunsScenariosAndCustomWork,
           {.topology = "1n2l2c1t", .scheduler = "fixture", .duration = 1000ms}) {
  ASSERT_TRUE(ctx.in_guest());
  // 1n2l2c1t: CPUs 0-3, the highest kept for the harness.
  EXPECT_EQ(ctx.layout().usable, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(ctx.layout().llc_cpus.size(), 2u);
  EXPECT_FALSE(ctx.has_flag("slow"));

  auto r = ctx.run(two_groups("spin_and_nap", "CpuSpin", "spin_then_nap"));
  EXPECT_TRUE(r.passed) << ktstr::check::format_report(r);
  ASSERT_EQ(r.stats.cgroups.size(), 2u);
  EXPECT_EQ(r.stats.cgroups[1].work_type, "spin_then_nap");
  EXPECT_GT(r.stats.cgroups[1].iterations, 0u);
  EXPECT_GT(r.stats.cgroups[1].wake_samples, 0u);  // sleep_for() records wake latencies

  auto steady = ctx.run("steady");
  EXPECT_TRUE(steady.passed) << ktstr::check::format_report(steady);
}

// A negative test: the fixture's "error" fault makes sched_ext eject it
// with scx_bpf_error(); the test passes only because it fails that way.
KTSTR_TEST(Api, ExpectErrorPassesWhenTheSchedulerErrorsOut,
           {.scheduler = "fixture", .required_flags = {"error"}, .duration = 1500ms,
            .expect_error = "scx_bpf_error"}) {
  ctx.run("steady");
}

// --- deliberately failing (run by tests/vm/api_binary_test.cpp) ---

// Three spinners share cpu0 while the gap limit is 1 ms: each waits for the
// others' time slices, so the gap check must fail ("gap: crowd: ...").
KTSTR_TEST(DISABLED_Deliberate, GapWhenThreeSpinnersShareOneCpu, {.duration = 1500ms}) {
  Scenario s;
  s.name = "crowded_cpu0";
  s.thresholds.max_gap_ms = 1;
  s.steps.push_back(Step{
      {}, {CgroupDef::named("crowd").with_cpuset(CpusetSpec::exact({0})).with_work(Work::of("CpuSpin").with_workers(3))},
      {}});
  auto r = ctx.run(s);
  // An assertion in the guest: captured and reported with its location.
  EXPECT_LT(r.stats.worst_gap_ms, 1u) << "gap seen by the body";
}

// GTEST_SKIP() in the guest: the test is reported skipped, with the reason.
KTSTR_TEST(DISABLED_Deliberate, SkipsInTheGuest, {.topology = "1n1l2c1t"}) {
  if (ctx.layout().llc_cpus.size() < 2) GTEST_SKIP() << "needs two LLCs, the guest has " << ctx.layout().llc_cpus.size();
  ADD_FAILURE() << "not reached on one LLC";
}

// Expects a stall, gets scx_bpf_error: must fail, naming what happened.
KTSTR_TEST(DISABLED_Deliberate, ExpectErrorWithTheWrongReason,
           {.scheduler = "fixture", .required_flags = {"error"}, .duration = 1500ms,
            .expect_error = "runnable task stall"}) {
  ctx.run("steady");
}
