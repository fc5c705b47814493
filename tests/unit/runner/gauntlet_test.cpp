// Gauntlet expansion: presets x profiles, names, and every filter with its reason.
#include <gtest/gtest.h>

#include "runner/gauntlet.hpp"
#include "scheduler/scheduler_registry.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::runner;

namespace {

std::vector<std::string> names(const GauntletPlan& p) {
  std::vector<std::string> out;
  for (const auto& v : p.variants) out.push_back(v.name);
  return out;
}

GauntletOptions three_small() {
  GauntletOptions o;
  o.presets = {"tiny-1llc", "tiny-2llc", "odd-3llc"};
  o.capacity = {16, "test"};
  return o;
}

}  // namespace

TEST(Gauntlet, PresetsTimesProfilesInPresetThenProfileOrder) {
  const auto* fixture = scheduler::SchedulerRegistry::builtin().find("fixture");
  ASSERT_NE(fixture, nullptr);
  GauntletRequest req;
  req.test = "Fixture.Steady";
  req.scheduler = fixture;
  req.flags.excluded = {"slow"};  // leaves default and short-timeout
  auto plan = expand_gauntlet(req, three_small());
  EXPECT_EQ(names(plan), (std::vector<std::string>{
                             "gauntlet/Fixture.Steady/tiny-1llc/default",
                             "gauntlet/Fixture.Steady/tiny-1llc/short-timeout",
                             "gauntlet/Fixture.Steady/tiny-2llc/default",
                             "gauntlet/Fixture.Steady/tiny-2llc/short-timeout",
                             "gauntlet/Fixture.Steady/odd-3llc/default",
                             "gauntlet/Fixture.Steady/odd-3llc/short-timeout",
                         }));
  EXPECT_EQ(plan.variants[4].topology.name(), "1n3l3c1t");
  EXPECT_EQ(plan.variants[5].profile.flags, std::vector<std::string>{"short-timeout"});
}

TEST(Gauntlet, EevdfHasOnlyTheDefaultProfile) {
  GauntletRequest req;
  req.test = "Eevdf.Steady";
  auto plan = expand_gauntlet(req, three_small());
  EXPECT_EQ(names(plan), (std::vector<std::string>{"gauntlet/Eevdf.Steady/tiny-1llc/default",
                                                   "gauntlet/Eevdf.Steady/tiny-2llc/default",
                                                   "gauntlet/Eevdf.Steady/odd-3llc/default"}));
}

TEST(Gauntlet, ConstraintsCapacityAndScenarioNeedsDropPresetsWithReasons) {
  GauntletRequest req;
  req.test = "T.t";
  req.constraints.min_llcs = 2;  // drops tiny-1llc
  req.cannot_host = [](const topology::Topology& t) -> std::optional<std::string> {
    if (t.llcs == 3) return "needs an even number of LLCs";
    return std::nullopt;
  };
  GauntletOptions o;  // all presets
  o.capacity = {9, "test limit"};
  auto plan = expand_gauntlet(req, o);
  // Kept: 1 node, 2..12 LLCs, <= 9 vCPUs, even LLC count: tiny-2llc (4), smt-2llc (8).
  EXPECT_EQ(names(plan), (std::vector<std::string>{"gauntlet/T.t/tiny-2llc/default", "gauntlet/T.t/smt-2llc/default"}));
  auto has = [&](const std::string& needle) {
    for (const auto& d : plan.dropped)
      if (d.find(needle) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("tiny-1llc: ")) << ::testing::PrintToString(plan.dropped);
  EXPECT_TRUE(has("odd-3llc: needs an even number of LLCs"));
  EXPECT_TRUE(has("medium-4llc: 32 vCPUs is more than the host allows (9: test limit)"));
  EXPECT_TRUE(has("numa2-4llc: "));  // max 1 node by default
  EXPECT_EQ(plan.variants.size() + plan.dropped.size(), topology::presets().size());
}

TEST(Gauntlet, UnknownPresetAndImpossibleFlagsAreErrors) {
  GauntletRequest req;
  req.test = "T.t";
  GauntletOptions o;
  o.presets = {"tiny-1llc", "no-such-preset"};
  EXPECT_KTSTR_ERROR(expand_gauntlet(req, o), "unknown topology preset 'no-such-preset'");
  EXPECT_KTSTR_ERROR(parse_preset_list("tiny-1llc,bogus"), "unknown topology preset 'bogus'; presets: tiny-1llc");
  EXPECT_EQ(parse_preset_list(" tiny-1llc , smt-2llc "), (std::vector<std::string>{"tiny-1llc", "smt-2llc"}));

  const auto* fixture = scheduler::SchedulerRegistry::builtin().find("fixture");
  req.scheduler = fixture;
  req.flags.required = {"no-such-flag"};
  EXPECT_KTSTR_ERROR(expand_gauntlet(req, three_small()), "scheduler 'fixture': required flag 'no-such-flag' is unknown (known: ");
}
