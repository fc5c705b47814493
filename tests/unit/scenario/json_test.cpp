#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scenario/catalog.hpp"
#include "scenario/scenario_json.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::scenario;
using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;

namespace {

// A scenario touching every field and every op.
Scenario everything() {
  Scenario s;
  s.name = "everything";
  s.description = "all the fields";
  s.duration = 5s;
  s.settle = 250ms;
  s.workers_per_cgroup = 4;
  s.thresholds.max_gap_ms = 3000;
  s.thresholds.isolation = true;
  s.required_flags = {"llc"};
  s.excluded_flags = {"slow"};
  s.topology = {.min_llcs = 2, .min_nodes = 1, .min_cpus = 4, .smt = true};
  Work fancy = Work::of("Bursty", {{"burst_ms", 50}, {"sleep_ms", 100}})
                   .with_workers(6)
                   .with_policy(SchedPolicy::rr(42))
                   .with_affinity(AffinityKind::exact({0, 1, 3}))
                   .with_mem_policy(MemPolicy::bind({0}));
  fancy.mem_policy.static_nodes = true;
  s.backdrop.ops = {op::AddCgroup{"parent", CpusetSpec::overlap(0, 2, 0.25)},
                    op::RunPayload{"schbench", {"-m", "2"}, "parent"}};
  s.backdrop.cgroups = {CgroupDef::named("parent/a").with_cpuset(CpusetSpec::range(0.125, 0.5)).as_swappable(),
                        CgroupDef::named("b").with_work(fancy).with_work(Work::of("PipeIo"))};
  s.steps = {
      Step{.ops = {op::SetCpuset{"b", CpusetSpec::llc(1)}, op::ClearCpuset{"b"}, op::SwapCpusets{"b", "parent/a"},
                   op::SpawnWorkers{"b", Work::of("YieldHeavy").with_workers(2)}, op::StopWorkers{"b"},
                   op::SetAffinity{"b", AffinityKind::random_subset()}, op::SpawnHost{Work{}},
                   op::MoveTasks{"b", "parent/a"}, op::WaitPayload{"schbench", 500}},
           .cgroups = {CgroupDef::named("c").with_cpuset(CpusetSpec::exact({2, 3}))},
           .hold = Hold::fixed(1500ms)},
      Step{.ops = {op::RunPayload{"fio", {}, std::nullopt}, op::KillPayload{"fio"}, op::RemoveCgroup{"b"}},
           .hold = Hold::frac(0.1)},
      Step{.ops = {op::SetCpuset{"parent/a", CpusetSpec::disjoint(1, 3)}}, .hold = Hold::loop(100ms)},
  };
  return s;
}

std::string scenario_error(const std::string& text) {
  return ktstr::test::error_of([&] { scenario_from_text(text); });
}

}  // namespace

TEST(ScenarioJson, RoundTripsEveryField) {
  const Scenario s = everything();
  json j = s;
  Scenario back = scenario_from_text(j.dump());
  EXPECT_EQ(back, s) << j.dump(2);
  EXPECT_EQ(json(back), j);
}

TEST(ScenarioJson, CompactForm) {
  Scenario s;
  s.name = "tiny";
  s.steps = {Step{.cgroups = {CgroupDef::named("cg_0").with_cpuset(CpusetSpec::disjoint(0, 2))}}};
  EXPECT_EQ(scenario_to_json(s), json::parse(R"j({
    "name": "tiny", "description": "", "duration_ms": 2000, "settle_ms": 500, "workers_per_cgroup": 2,
    "steps": [{"cgroups": [{"name": "cg_0", "cpuset": "disjoint(0,2)"}], "hold": {"fraction": 1.0}}]
  })j"));
}

TEST(ScenarioJson, DefaultsFillIn) {
  auto s = scenario_from_text(R"j({"steps": [{"cgroups": [{"name": "cg_0", "works": [{"type": "Mixed"}]}]}]})j");
  EXPECT_EQ(s.duration, 2000ms);
  EXPECT_EQ(s.settle, 500ms);
  EXPECT_EQ(s.workers_per_cgroup, 2u);
  ASSERT_EQ(s.steps.size(), 1u);
  EXPECT_EQ(s.steps[0].hold, Hold::frac(1.0));
  EXPECT_EQ(s.steps[0].cgroups[0].works[0], Work::of("Mixed"));
}

TEST(ScenarioJson, ErrorsNameThePath) {
  EXPECT_EQ(scenario_error(R"j({"steps": [{"ops": [{"op": "set_cpuset", "cgroup": "a", "cpuset": "llc(x)"}]}]})j"),
            "scenario.steps[0].ops[0].cpuset: bad cpuset 'llc(x)': 'x' is not a non-negative integer");
  EXPECT_EQ(scenario_error(R"j({"steps": [{"ops": [{"op": "set_cpust", "cgroup": "a"}]}]})j"),
            "scenario.steps[0].ops[0].op: unknown op 'set_cpust'");
  EXPECT_EQ(scenario_error(R"j({"steps": [{"ops": [{"op": "clear_cpuset", "cgrop": "a"}]}]})j"),
            "scenario.steps[0].ops[0]: missing 'cgroup'");
  EXPECT_EQ(scenario_error(R"j({"steps": [{"cgroups": [{"name": "a", "swapable": true}]}]})j"),
            "scenario.steps[0].cgroups[0]: unknown key 'swapable'");
  EXPECT_EQ(scenario_error(R"j({"steps": [{"cgroups": [{"name": "a", "works": [{"workers": -1}]}]}]})j"),
            "scenario.steps[0].cgroups[0].works[0].workers: expected an integer in [0, 4294967295], got -1");
  EXPECT_EQ(scenario_error(R"j({"steps": [{"hold": {"fraction": 0.5, "loop_ms": 10}}]})j"),
            "scenario.steps[0].hold: give exactly one of fraction, fixed_ms, loop_ms");
  EXPECT_EQ(scenario_error(R"j({"thresholds": {"max_gap": 1}})j"), "scenario.thresholds: thresholds: unknown knob 'max_gap'");
  EXPECT_EQ(scenario_error(R"j({"steps": {}})j"), "scenario.steps: expected an array, got {}");
  EXPECT_EQ(scenario_error(R"j({"steps": [{"cgroups": [{"name": "a", "works": [{"mem_policy": {"mode": "near"}}]}]}]})j"),
            "scenario.steps[0].cgroups[0].works[0].mem_policy.mode: unknown memory policy mode 'near'");
  EXPECT_THAT(scenario_error("{"), HasSubstr("scenario: not valid JSON"));
  EXPECT_EQ(scenario_error("[]"), "scenario: expected a JSON object, got []");
}

TEST(ScenarioJson, CatalogScenariosRoundTrip) {
  auto layout = CpuLayout::from_name("1n2l4c1t");
  for (const auto* e : catalog::list()) {
    Scenario s = e->instantiate(layout);
    EXPECT_EQ(scenario_from_text(json(s).dump()), s) << e->name;
  }
}
