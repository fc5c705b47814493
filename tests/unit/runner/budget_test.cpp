// The time-budget selector: covering, within budget, deterministic.
#include <gtest/gtest.h>

#include "runner/budget.hpp"
#include "runner/gauntlet.hpp"
#include "scheduler/scheduler_registry.hpp"

using namespace ktstr;
using namespace ktstr::runner;

TEST(Budget, PicksMostNewFeaturesPerSecondAndStopsWhenNothingNewFits) {
  std::vector<BudgetItem> items{
      {{"a", "b"}, 10},       // 0.2/s; after c is covered: still 0.2/s, ties with item 1, earlier wins
      {{"a", "b", "c"}, 10},  // 0.3/s, then 0.2/s
      {{"d"}, 2},             // 0.5/s: second
      {{"c"}, 1},             // 1/s: first
      {{"e"}, 100},           // never fits
  };
  auto s = select_within_budget(items, 20);
  EXPECT_EQ(s.chosen, (std::vector<size_t>{0, 2, 3}));
  EXPECT_DOUBLE_EQ(s.seconds, 13);
  EXPECT_EQ(s.covered, 4u);
  EXPECT_EQ(s.features, 5u);
}

TEST(Budget, ZeroBudgetChoosesNothingAndHugeBudgetCoversEverything) {
  std::vector<BudgetItem> items{{{"a"}, 1}, {{"b"}, 2}, {{"a", "b"}, 2.5}};
  EXPECT_TRUE(select_within_budget(items, 0).chosen.empty());
  auto all = select_within_budget(items, 1e9);
  EXPECT_EQ(all.covered, all.features);
}

TEST(Budget, TiesGoToTheEarlierVariant) {
  std::vector<BudgetItem> items{{{"x"}, 5}, {{"x"}, 5}, {{"y"}, 5}};
  EXPECT_EQ(select_within_budget(items, 10).chosen, (std::vector<size_t>{0, 2}));
}

TEST(Budget, FeaturesNameTopologyShapeAndFlagsPerTest) {
  auto f = variant_features("T.a", topology::Topology{1, 3, 2, 2}, scheduler::Profile{{"slow"}});
  EXPECT_EQ(f, (std::vector<std::string>{"T.a|test", "T.a|cpus<=16", "T.a|llcs=2-4", "T.a|llcs odd", "T.a|smt",
                                         "T.a|one node", "T.a|flag slow"}));
  auto d = variant_features("T.b", topology::Topology{2, 8, 4, 1}, scheduler::Profile{});
  EXPECT_EQ(d.back(), "T.b|default profile");
  EXPECT_NE(std::find(d.begin(), d.end(), "T.b|numa"), d.end());
}

TEST(Budget, EstimateGrowsWithCpusDurationAndScheduler) {
  using std::chrono::milliseconds;
  topology::Topology small{1, 1, 4, 1}, big{1, 4, 4, 2};
  double base = estimate_seconds(small, milliseconds(2000), false, true);
  EXPECT_GT(estimate_seconds(big, milliseconds(2000), false, true), base);
  EXPECT_GT(estimate_seconds(small, milliseconds(5000), false, true), base);
  EXPECT_GT(estimate_seconds(small, milliseconds(2000), true, true), base);
  EXPECT_LT(estimate_seconds(small, milliseconds(2000), false, false), base);  // KVM boots faster
}

TEST(Budget, SameGauntletSameBudgetSameSelectionAndAFullGauntletCoversAllFeatures) {
  GauntletRequest req;
  req.test = "Fixture.Steady";
  req.scheduler = scheduler::SchedulerRegistry::builtin().find("fixture");
  GauntletOptions o;
  o.capacity = {16, "test"};
  auto plan = expand_gauntlet(req, o);
  std::vector<BudgetItem> items;
  for (const auto& v : plan.variants)
    items.push_back({variant_features(v.test, v.topology, v.profile),
                     estimate_seconds(v.topology, std::chrono::milliseconds(2000), true, true)});
  auto a = select_within_budget(items, 120), b = select_within_budget(items, 120);
  EXPECT_EQ(a.chosen, b.chosen);
  EXPECT_LE(a.seconds, 120);
  EXPECT_LT(a.chosen.size(), items.size());
  EXPECT_GT(a.covered, 0u);
  auto full = select_within_budget(items, 1e9);
  EXPECT_EQ(full.covered, full.features);
  EXPECT_LT(full.chosen.size(), items.size());  // covering needs fewer VMs than the whole gauntlet
}
