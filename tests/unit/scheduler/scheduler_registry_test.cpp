// Built-in definitions, lookups and what --scheduler SPEC maps to.
#include "scheduler/scheduler_registry.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scheduler/flag_profiles.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::scheduler;
using ::testing::ElementsAre;

TEST(Registry, BuiltinsAreValidAndFindableByNameOrBinary) {
  const auto& reg = SchedulerRegistry::builtin();
  EXPECT_THAT(reg.names(), ElementsAre("fixture", "simple", "central", "qmap"));
  for (const auto& d : reg.all()) {
    EXPECT_NO_THROW(d.validate()) << d.name;
    EXPECT_EQ(reg.find(d.binary), &d) << d.binary;
    EXPECT_EQ(SchedulerDef::from_json(d.to_json()), d) << d.name;
    EXPECT_EQ(SchedulerDef::from_toml(d.to_toml()), d) << d.name;
  }
  EXPECT_EQ(reg.find("scx_ktstr_fixture")->name, "fixture");
  EXPECT_EQ(reg.find("nope"), nullptr);
}

TEST(Registry, FixtureFaultsStayOutOfTheGauntlet) {
  const auto& fx = *SchedulerRegistry::builtin().find("fixture");
  EXPECT_THAT(expand_profiles(fx), testing::Each(testing::Property(&Profile::name, testing::Not(testing::HasSubstr("stall")))));
  std::vector<std::string> names;
  for (const auto& p : expand_profiles(fx)) names.push_back(p.name());
  EXPECT_THAT(names, ElementsAre("default", "slow", "short-timeout", "slow+short-timeout"));

  // A negative test requiring the stall fault gets the short watchdog with it.
  const auto stall = base_profile(fx, {.required = {"stall"}});
  EXPECT_EQ(stall.name(), "short-timeout+stall");
  EXPECT_THAT(profile_args(fx, stall), ElementsAre("--timeout-ms", "3000", "--stall-comm", "ktstr_worker"));
  EXPECT_EQ(std::string(kFixtureStallComm).size() < 16, true);  // TASK_COMM_LEN
  EXPECT_THAT(profile_args(fx, parse_flag_selection(fx, "error")), ElementsAre("--error-after", "50"));
}

TEST(Registry, KernelExampleFlags) {
  const auto& reg = SchedulerRegistry::builtin();
  const auto& simple = *reg.find("simple");
  EXPECT_THAT(profile_args(simple, parse_flag_selection(simple, "fifo")), ElementsAre("-f"));
  const auto& qmap = *reg.find("scx_qmap");
  std::vector<std::string> names;
  for (const auto& p : expand_profiles(qmap)) names.push_back(p.name());
  EXPECT_THAT(names, ElementsAre("default", "batch", "batch+boost"));  // -H needs -b
}

TEST(Registry, AddReplacesByName) {
  SchedulerRegistry reg = SchedulerRegistry::builtin();
  SchedulerDef mine;
  mine.name = "simple";
  mine.binary = "/opt/scx_simple";
  reg.add(mine);
  EXPECT_EQ(reg.all().size(), 4u);
  EXPECT_EQ(reg.find("simple")->binary, "/opt/scx_simple");
  mine.name = "bad name";
  EXPECT_KTSTR_ERROR(reg.add(mine), "scheduler definition: name 'bad name' must be [A-Za-z0-9_.-]+");
}

TEST(Registry, SchedulerDefForSpec) {
  EXPECT_EQ(scheduler_def_for("central").binary, "scx_central");
  EXPECT_EQ(scheduler_def_for("scx_central").name, "central");
  // A rebuilt example keeps its flags but runs from the given path.
  const auto p = scheduler_def_for("/tmp/build/scx_simple");
  EXPECT_EQ(p.name, "simple");
  EXPECT_EQ(p.binary, "/tmp/build/scx_simple");
  EXPECT_EQ(p.flags.size(), 1u);
  // Anything else: ad hoc, no flags, run as given.
  const auto a = scheduler_def_for("./out/scx lavd");
  EXPECT_EQ(a.name, "scx_lavd");
  EXPECT_EQ(a.binary, "./out/scx lavd");
  EXPECT_TRUE(a.flags.empty());
  EXPECT_NO_THROW(a.validate());
  EXPECT_KTSTR_ERROR(scheduler_def_for(""), "--scheduler needs a path or a name");
}
