// Tests for ktstr's fixture scheduler (scx_ktstr_fixture), written the way
// an author tests their own sched_ext scheduler.
#include <ktstr/ktstr.hpp>

using namespace std::chrono_literals;

namespace {

// The scheduler under test, as a definition: its binary (found next to the
// test binary, in $KTSTR_SCHEDULER_DIR or ktstr's cache), and its flags. A
// gauntlet runs every profile of the optional flags (here: default, slow);
// a fault flag only runs when a test requires it.
ktstr::SchedulerDef fixture() {
  ktstr::SchedulerDef d;
  d.name = "fixture";
  d.binary = "scx_ktstr_fixture";
  d.topology = "1n2l2c1t";
  d.flags = {
      {.name = "slow", .args = {"--slow-callbacks", "50"}, .description = "50 us busy-wait per callback"},
      {.name = "stall", .args = {"--stall-comm", "ktstr_worker"}, .fault = true,
       .description = "never dispatches the test's workers"},
  };
  return d;
}

// Two groups of CPU spinners on disjoint halves of the CPUs plus one group
// that sleeps and wakes; none may starve or stall.
ktstr::Scenario spinners_and_sleepers() {
  ktstr::Scenario s;
  s.name = "spinners_and_sleepers";
  s.steps.push_back(ktstr::Step{
      {},
      {ktstr::CgroupDef::named("spin_a").with_cpuset(ktstr::CpusetSpec::disjoint(0, 2)),
       ktstr::CgroupDef::named("spin_b").with_cpuset(ktstr::CpusetSpec::disjoint(1, 2)),
       ktstr::CgroupDef::named("nap").with_work(ktstr::Work::of("Bursty", {{"burst_ms", 5}, {"sleep_ms", 10}}))},
      {}});
  return s;
}

}  // namespace

// Runs in a VM under the fixture; expands into gauntlet/FixtureSched.
// SpinnersAndSleepers/<preset>/<default|slow> under ctest.
KTSTR_TEST(FixtureSched, SpinnersAndSleepers, {.scheduler = fixture(), .duration = 1000ms}) {
  auto r = ctx.run(spinners_and_sleepers());
  ASSERT_EQ(r.stats.cgroups.size(), 3u) << ktstr::check::format_report(r);
  for (const auto& g : r.stats.cgroups) EXPECT_GT(g.iterations, 0u) << g.cgroup;
}

// A negative test: with the stall fault the kernel's watchdog (shortened
// to 4 s from the host) must eject the scheduler.
KTSTR_TEST(FixtureSched, StallIsCaughtByTheWatchdog,
           {.scheduler = fixture(), .required_flags = {"stall"}, .duration = 2000ms,
            .expect_error = "runnable task stall", .gauntlet = false}) {
  ctx.run(spinners_and_sleepers());
}

// Host-only: checks the definition itself, no VM.
KTSTR_TEST(FixtureSched, DefinitionHasTwoProfiles, {.host_only = true}) {
  auto profiles = ktstr::scheduler::expand_profiles(fixture());
  ASSERT_EQ(profiles.size(), 2u);
  EXPECT_EQ(profiles[0].name(), "default");
  EXPECT_EQ(profiles[1].name(), "slow");
}
