// Planning KTSTR_TEST variants from their options: base topology and
// profile, gauntlet ordering, budget, and finding a variant by name.
#include <gtest/gtest.h>

#include "runner/test_plan.hpp"
#include "runner/test_shell.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::runner;

namespace {

void body(Context&) {}

TestDef def(std::string name, TestOptions o) {
  TestDef d;
  d.suite = "Plan";
  d.name = std::move(name);
  d.options = std::move(o);
  d.body = body;
  return d;
}

GauntletOptions small() {
  GauntletOptions g;
  g.presets = {"tiny-1llc", "tiny-2llc"};
  g.capacity = {16, "test"};
  return g;
}

}  // namespace

TEST(TestPlan, BaseVariantTakesTheTestsTopologyElseTheSchedulersElse1n2l2c1t) {
  auto eevdf = def("Eevdf", {});
  EXPECT_EQ(base_variant(eevdf).topology.name(), "1n2l2c1t");
  EXPECT_EQ(base_variant(eevdf).name, "ktstr/Plan.Eevdf");
  EXPECT_EQ(base_variant(eevdf).profile.name(), "default");

  auto preset = def("Preset", {.topology = "smt-2llc"});
  EXPECT_EQ(base_variant(preset).topology.name(), "1n2l2c2t");

  // Required flags pull in what they require (stall needs short-timeout).
  auto stall = def("Stall", {.scheduler = "fixture", .required_flags = {"stall"}});
  EXPECT_EQ(base_variant(stall).profile.name(), "short-timeout+stall");

  auto bad = def("Bad", {.scheduler = "fixture", .required_flags = {"nope"}});
  EXPECT_KTSTR_ERROR(base_variant(bad), "scheduler 'fixture': required flag 'nope' is unknown");
  auto unknown_topo = def("Topo", {.topology = "3x3"});
  EXPECT_KTSTR_ERROR(base_variant(unknown_topo), "unknown topology '3x3'");
}

TEST(TestPlan, GauntletOnlyWhenAskedNotForHostOnlyOrOptedOutTests) {
  auto a = def("A", {.scheduler = "fixture", .excluded_flags = {"slow"}});
  auto host = def("Host", {.host_only = true});
  auto off = def("Off", {.gauntlet = false});
  std::vector<const TestDef*> tests{&a, &host, &off};

  RunPlanOptions none;
  EXPECT_EQ(plan_run(tests, none).variants.size(), 3u);

  RunPlanOptions g;
  g.gauntlet = true;
  g.gauntlet_options = small();
  auto plan = plan_run(tests, g);
  std::vector<std::string> names;
  for (const auto& v : plan.variants) names.push_back(v.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "ktstr/Plan.A",
                       "gauntlet/Plan.A/tiny-1llc/default",
                       "gauntlet/Plan.A/tiny-1llc/short-timeout",
                       "gauntlet/Plan.A/tiny-2llc/default",
                       "gauntlet/Plan.A/tiny-2llc/short-timeout",
                       "ktstr/Plan.Host",
                       "ktstr/Plan.Off",
                   }));
}

TEST(TestPlan, BudgetKeepsACoveringSubsetAndSaysSo) {
  auto a = def("A", {.scheduler = "fixture"});
  RunPlanOptions g;
  g.gauntlet = true;
  g.gauntlet_options = small();  // 2 presets x 4 profiles
  g.budget_seconds = 30;
  auto plan = plan_run({&a}, g);
  size_t gauntlet = 0;
  for (const auto& v : plan.variants) gauntlet += v.gauntlet;
  EXPECT_GE(gauntlet, 1u);
  EXPECT_LT(gauntlet, 8u);
  ASSERT_FALSE(plan.notes.empty());
  EXPECT_EQ(plan.notes.back().rfind("budget 30 s: ", 0), 0u) << plan.notes.back();
}

TEST(TestPlan, VariantByNameForShellTest) {
  auto& reg = TestRegistry::global();
  if (!reg.find("Plan.Named")) reg.add(def("Named", {.scheduler = "fixture"}));
  auto base = planned_variant_by_name("ktstr/Plan.Named");
  EXPECT_EQ(base.topology.name(), "1n2l2c1t");
  auto g = planned_variant_by_name("gauntlet/Plan.Named/odd-3llc/slow+short-timeout");
  EXPECT_EQ(g.topology.name(), "1n3l3c1t");
  EXPECT_EQ(g.profile.flags, (std::vector<std::string>{"slow", "short-timeout"}));
  EXPECT_KTSTR_ERROR(planned_variant_by_name("ktstr/Plan.Missing"), "no test Plan.Missing in this binary; its tests:\n  ktstr/Plan.Named");
  EXPECT_KTSTR_ERROR(planned_variant_by_name("gauntlet/Plan.Named/no-preset/default"), "gauntlet/Plan.Named/no-preset/default: unknown topology preset 'no-preset'");
  EXPECT_KTSTR_ERROR(planned_variant_by_name("gauntlet/Plan.Named/tiny-1llc/no-flag"),
                     "gauntlet/Plan.Named/tiny-1llc/no-flag: unknown flag 'no-flag' for scheduler 'fixture' (known: ");
  EXPECT_KTSTR_ERROR(planned_variant_by_name("Plan.Named"), "'Plan.Named' is not a test name (ktstr/<Suite>.<Name> or gauntlet/<Suite>.<Name>/<preset>/<profile>)");
}
