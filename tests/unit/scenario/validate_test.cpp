// Each kind of mistake a scenario author can make, caught before anything
// runs, with a message that says where and why.
#include "scenario/validate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::scenario;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

CgroupDef spin(std::string name) { return CgroupDef::named(std::move(name)); }

Scenario two_steps(std::vector<Op> step2_ops) {
  Scenario s;
  s.steps = {Step{.cgroups = {spin("cg_0")}, .hold = Hold::frac(0.5)},
             Step{.ops = std::move(step2_ops), .hold = Hold::frac(0.5)}};
  return s;
}

uint32_t pairs(const Work& w) { return w.type == "PipeIo" ? 2 : 1; }

}  // namespace

TEST(Validate, AGoodScenarioHasNoErrors) {
  Scenario s;
  s.backdrop.cgroups = {spin("cg_0"), spin("cg_1").with_cpuset(CpusetSpec::disjoint(1, 2))};
  s.steps = {Step{.hold = Hold::frac(0.5)},
             Step{.ops = {op::SetCpuset{"cg_0", CpusetSpec::disjoint(0, 2)}, op::AddCgroup{"tmp", std::nullopt},
                          op::MoveTasks{"cg_1", "tmp"}},
                  .cgroups = {CgroupDef::named("cg_2").with_work(Work::of("PipeIo").with_workers(4))},
                  .hold = Hold::frac(0.5)}};
  auto layout = CpuLayout::from_name("1n2l4c1t");
  ValidationContext ctx{ValidationContext::known_types({"CpuSpin", "PipeIo"}), pairs, &layout};
  EXPECT_THAT(validation_errors(s, ctx), ElementsAre());
  EXPECT_NO_THROW(validate(s, ctx));
}

TEST(Validate, UnknownWorkType) {
  Scenario s;
  s.steps = {Step{.cgroups = {spin("cg_0").with_work(Work::of("CpuSpn"))}}};
  ValidationContext ctx{.is_known_type = ValidationContext::known_types({"CpuSpin"})};
  EXPECT_THAT(validation_errors(s, ctx),
              ElementsAre("step 1 cgroup 'cg_0' work 0 (CpuSpn): unknown work type 'CpuSpn'"));
}

TEST(Validate, ZeroWorkers) {
  Scenario s;
  s.steps = {Step{.cgroups = {spin("cg_0").with_work(Work{}.with_workers(0))}}};
  EXPECT_THAT(validation_errors(s), ElementsAre("step 1 cgroup 'cg_0' work 0 (CpuSpin): zero workers: a group "
                                                "without workers would pass every check"));
  Scenario t;
  t.workers_per_cgroup = 0;
  t.steps = {Step{.ops = {op::SpawnHost{Work{}}}}};
  auto errors = validation_errors(t);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_THAT(errors[0], HasSubstr("scenario: workers_per_cgroup is 0"));
  EXPECT_THAT(errors[1], HasSubstr("step 1 op spawn_host: zero workers"));
}

TEST(Validate, WorkersMustFillWholeGroups) {
  Scenario s;
  s.workers_per_cgroup = 3;
  s.steps = {Step{.cgroups = {spin("cg_0").with_work(Work::of("PipeIo"))}}};
  EXPECT_THAT(validation_errors(s, {.group_size = pairs}),
              ElementsAre("step 1 cgroup 'cg_0' work 0 (PipeIo): 3 workers is not a multiple of the group size 2 "
                          "of PipeIo"));
}

TEST(Validate, StepCgroupsDieWithTheirStep) {
  auto s = two_steps({op::SetCpuset{"cg_0", CpusetSpec::disjoint(0, 2)}});
  EXPECT_THAT(validation_errors(s),
              ElementsAre("step 2 op set_cpuset: cgroup 'cg_0' was created in step 1 and removed when that step "
                          "ended; declare it in the backdrop to keep it"));
  // The same op against a backdrop cgroup is fine.
  s.backdrop.cgroups = {s.steps[0].cgroups[0]};
  s.steps[0].cgroups.clear();
  EXPECT_THAT(validation_errors(s), ElementsAre());
}

TEST(Validate, OpsRunBeforeTheirStepsCgroups) {
  Scenario s;
  s.steps = {Step{.ops = {op::StopWorkers{"cg_0"}}, .cgroups = {spin("cg_0")}}};
  EXPECT_THAT(validation_errors(s),
              ElementsAre("step 1 op stop_workers: cgroup 'cg_0' is created by this step's cgroups, which are set up "
                          "after its ops run; create it with add_cgroup first or declare it in the backdrop"));
}

TEST(Validate, UnknownAndNotYetCreatedCgroups) {
  Scenario s;
  s.backdrop.cgroups = {spin("cg_a")};
  s.steps = {Step{.ops = {op::ClearCpuset{"cg_9"}, op::ClearCpuset{"cg_late"}}, .hold = Hold::frac(0.5)},
             Step{.cgroups = {spin("cg_late")}, .hold = Hold::frac(0.5)}};
  EXPECT_THAT(validation_errors(s), ElementsAre("step 1 op clear_cpuset: cgroup 'cg_9' does not exist (existing: cg_a)",
                                                "step 1 op clear_cpuset: cgroup 'cg_late' is only created in step 2"));
}

TEST(Validate, RemovedCgroupsStayRemoved) {
  Scenario s;
  s.backdrop.cgroups = {spin("cg_0"), spin("cg_1")};
  s.steps = {Step{.ops = {op::RemoveCgroup{"cg_1"}}, .hold = Hold::frac(0.5)},
             Step{.ops = {op::MoveTasks{"cg_0", "cg_1"}}, .hold = Hold::frac(0.5)}};
  EXPECT_THAT(validation_errors(s),
              ElementsAre("step 2 op move_tasks: cgroup 'cg_1' was removed by remove_cgroup in step 1"));
}

TEST(Validate, DuplicateNames) {
  Scenario s;
  s.backdrop.cgroups = {spin("cg_0")};
  s.steps = {Step{.cgroups = {spin("cg_0"), spin("cg_1"), spin("cg_1")}}};
  EXPECT_THAT(validation_errors(s),
              ElementsAre("step 1 cgroup 'cg_0': cgroup 'cg_0' already exists (created in backdrop)",
                          "step 1 cgroup 'cg_1': cgroup 'cg_1' already exists (created in step 1)"));
}

TEST(Validate, BadFractions) {
  Scenario s;
  s.steps = {Step{.cgroups = {spin("cg_0").with_cpuset(CpusetSpec::range(0, 1.5))}, .hold = Hold::frac(1.5)},
             Step{.ops = {op::AddCgroup{"x", CpusetSpec::overlap(3, 2, 0.5)}}, .hold = Hold::frac(0.25)}};
  EXPECT_THAT(validation_errors(s),
              ElementsAre("step 1 hold: fraction 1.5 is outside [0, 1]",
                          "step 1 cgroup 'cg_0': cpuset range(0,1.5): fractions must be within [0, 1]",
                          "step 2 op add_cgroup: cpuset overlap(3,2,0.5): part index 3 must be below the part count 2",
                          "scenario: hold fractions add up to 1.75, more than 1"));
}

TEST(Validate, HoldsMustFitTheDuration) {
  Scenario s;
  s.steps = {Step{.cgroups = {spin("cg_0")}, .hold = Hold::frac(0.5)}, Step{.hold = Hold::fixed(1500ms)}};
  EXPECT_THAT(validation_errors(s), ElementsAre("scenario: holds add up to 2500 ms, more than the 2000 ms duration"));
}

TEST(Validate, CpusetsResolvedAgainstTheLayout) {
  Scenario s;
  s.steps = {Step{.cgroups = {spin("cg_0").with_cpuset(CpusetSpec::llc(2))}}};
  EXPECT_THAT(validation_errors(s), ElementsAre());  // no layout: cannot tell
  auto layout = CpuLayout::from_name("1n2l2c1t");
  EXPECT_THAT(validation_errors(s, {.layout = &layout}),
              ElementsAre("step 1 cgroup 'cg_0': cpuset llc(2): LLC index out of range, topology has 2 LLC(s)"));
}

TEST(Validate, NestedCgroupsNeedTheirParent) {
  Scenario s;
  s.steps = {Step{.cgroups = {spin("cg_0/sub_a")}}};
  EXPECT_THAT(validation_errors(s), ElementsAre("step 1 cgroup 'cg_0/sub_a': parent of 'cg_0/sub_a': cgroup 'cg_0' "
                                                "does not exist (no cgroups exist here)"));
  s.steps[0].ops = {op::AddCgroup{"cg_0", std::nullopt}};  // a parent without workers
  EXPECT_THAT(validation_errors(s), ElementsAre());
}

TEST(Validate, ChildrenGoBeforeTheirParent) {
  Scenario s;
  s.backdrop.ops = {op::AddCgroup{"cg_1", std::nullopt}};
  s.backdrop.cgroups = {spin("cg_1/sub_a")};
  s.steps = {Step{.ops = {op::RemoveCgroup{"cg_1"}}}};
  EXPECT_THAT(validation_errors(s), ElementsAre("step 1 op remove_cgroup: cgroup 'cg_1' still has child "
                                                "'cg_1/sub_a'; remove the child first"));
  s.steps[0].ops = {op::RemoveCgroup{"cg_1/sub_a"}, op::RemoveCgroup{"cg_1"}};
  EXPECT_THAT(validation_errors(s), ElementsAre());
}

TEST(Validate, LoopHolds) {
  Scenario s;
  s.backdrop.cgroups = {spin("cg_0")};
  s.steps = {Step{.ops = {op::AddCgroup{"churn", std::nullopt}}, .hold = Hold::loop(100ms)},
             Step{.hold = Hold::loop(0ms)}};
  EXPECT_THAT(validation_errors(s),
              ElementsAre("step 1 hold: a loop runs until the scenario deadline, so step 2 after it would never run",
                          "step 1 op add_cgroup (loop repeat): cgroup 'churn' already exists (created in step 1)",
                          "step 2 hold: loop interval must be positive, got 0 ms",
                          "step 2 hold: loop re-applies the step's ops, but the step has none"));
}

TEST(Validate, PayloadLifetimes) {
  Scenario s;
  s.steps = {Step{.ops = {op::RunPayload{"schbench", {"-m", "2"}, std::nullopt}}, .hold = Hold::frac(0.5)},
             Step{.ops = {op::WaitPayload{"schbench", 1000}, op::KillPayload{"fio"}}, .hold = Hold::frac(0.5)}};
  EXPECT_THAT(
      validation_errors(s),
      ElementsAre("step 2 op wait_payload: payload 'schbench' is not running here: it was started in step 1 "
                  "and stopped when that step ended; start it in the backdrop to keep it",
                  "step 2 op kill_payload: payload 'fio' is not running here; start it with run_payload first"));
  s.backdrop.ops = {s.steps[0].ops[0]};
  s.steps[0].ops.clear();
  EXPECT_THAT(validation_errors(s), ElementsAre("step 2 op kill_payload: payload 'fio' is not running here; start it "
                                                "with run_payload first"));
}

TEST(Validate, OpSanity) {
  Scenario s;
  s.backdrop.cgroups = {spin("cg_0")};
  s.steps = {Step{.ops = {op::SwapCpusets{"cg_0", "cg_0"}, op::SetAffinity{"cg_0", AffinityKind::exact({})},
                          op::SpawnWorkers{"cg_0", Work{}.with_policy(SchedPolicy::fifo(0))}}}};
  EXPECT_THAT(validation_errors(s), ElementsAre("step 1 op swap_cpusets: both sides are cgroup 'cg_0'",
                                                "step 1 op set_affinity: affinity exact(): empty CPU set",
                                                "step 1 op spawn_workers: policy fifo(0): priority must be 1..99"));
}

TEST(Validate, CgroupNames) {
  EXPECT_FALSE(check_cgroup_name("cg_1/sub-a.2"));
  for (const char* bad : {"", "/cg", "cg/", "a//b", "a/../b", "cg 1", "cgroup.procs", "a/cgroup.x"})
    EXPECT_TRUE(check_cgroup_name(bad)) << bad;
}

TEST(Validate, ThrowsWithEveryProblem) {
  Scenario s;
  s.name = "broken";
  EXPECT_EQ(ktstr::test::error_of([&] { validate(s); }), "scenario 'broken' is invalid:\n  scenario: has no steps");
}
