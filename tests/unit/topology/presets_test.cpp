#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "topology/capacity.hpp"
#include "topology/presets.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::topology;
using ::testing::HasSubstr;

namespace {
std::vector<std::string> names(const std::vector<Preset>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.emplace_back(p.name);
  return out;
}
}  // namespace

TEST(Presets, TheTwentyFourOfTheProduct) {
  // name -> (short name, CPUs), verbatim from PRODUCT.md §1.
  const std::vector<std::tuple<std::string, std::string, uint32_t>> want = {
      {"tiny-1llc", "1n1l4c1t", 4},          {"tiny-2llc", "1n2l2c1t", 4},
      {"odd-3llc", "1n3l3c1t", 9},           {"odd-5llc", "1n5l3c1t", 15},
      {"odd-7llc", "1n7l2c1t", 14},          {"smt-2llc", "1n2l2c2t", 8},
      {"smt-3llc", "1n3l2c2t", 12},          {"medium-4llc", "1n4l4c2t", 32},
      {"medium-8llc", "1n8l4c2t", 64},       {"large-4llc", "1n4l16c2t", 128},
      {"large-8llc", "1n8l8c2t", 128},       {"near-max-llc", "1n15l8c2t", 240},
      {"max-cpu", "1n14l9c2t", 252},         {"medium-4llc-nosmt", "1n4l8c1t", 32},
      {"medium-8llc-nosmt", "1n8l8c1t", 64}, {"large-4llc-nosmt", "1n4l32c1t", 128},
      {"large-8llc-nosmt", "1n8l16c1t", 128}, {"near-max-llc-nosmt", "1n15l16c1t", 240},
      {"max-cpu-nosmt", "1n14l18c1t", 252},  {"numa2-4llc", "2n4l4c1t", 16},
      {"numa2-8llc", "2n8l8c2t", 128},       {"numa2-8llc-nosmt", "2n8l16c1t", 128},
      {"numa4-8llc", "4n8l4c1t", 32},        {"numa4-12llc", "4n12l8c2t", 192},
  };
  ASSERT_EQ(presets().size(), 24u);
  for (size_t i = 0; i < want.size(); ++i) {
    const auto& [name, shape, cpus] = want[i];
    EXPECT_EQ(presets()[i].name, name);
    EXPECT_EQ(presets()[i].topology.name(), shape) << name;
    EXPECT_EQ(presets()[i].topology.cpus(), cpus) << name;
    EXPECT_NO_THROW(presets()[i].topology.validate()) << name;
    EXPECT_EQ(find_preset(name), &presets()[i]);
  }
  EXPECT_EQ(find_preset("nope"), nullptr);
}

TEST(Presets, DefaultConstraintsKeepSingleNodeUpTo12LlcsAnd192Cpus) {
  auto sel = filter_presets(presets(), PresetConstraints{});
  EXPECT_EQ(names(sel.kept),
            (std::vector<std::string>{"tiny-1llc", "tiny-2llc", "odd-3llc", "odd-5llc", "odd-7llc", "smt-2llc",
                                      "smt-3llc", "medium-4llc", "medium-8llc", "large-4llc", "large-8llc",
                                      "medium-4llc-nosmt", "medium-8llc-nosmt", "large-4llc-nosmt",
                                      "large-8llc-nosmt"}));
  EXPECT_EQ(sel.kept.size() + sel.dropped.size(), 24u);
  std::map<std::string, std::string> why;
  for (const auto& d : sel.dropped) why[std::string(d.preset.name)] = d.reason;
  EXPECT_EQ(why["numa2-4llc"], "2 NUMA nodes is above the test's maximum 1");
  EXPECT_EQ(why["near-max-llc"], "15 LLCs is above the test's maximum 12");
}

TEST(Presets, ConstraintKinds) {
  PresetConstraints smt{.requires_smt = true};
  for (const auto& p : filter_presets(presets(), smt).kept) EXPECT_TRUE(p.topology.has_smt()) << p.name;

  PresetConstraints numa{.min_numa_nodes = 2, .max_numa_nodes = 4, .max_llcs = 64, .max_cpus = 255};
  EXPECT_EQ(names(filter_presets(presets(), numa).kept),
            (std::vector<std::string>{"numa2-4llc", "numa2-8llc", "numa2-8llc-nosmt", "numa4-8llc",
                                      "numa4-12llc"}));

  PresetConstraints small{.min_llcs = 3, .max_cpus = 12};
  auto sel = filter_presets(presets(), small);
  EXPECT_EQ(names(sel.kept), (std::vector<std::string>{"odd-3llc", "smt-3llc"}));
}

TEST(Capacity, DefaultsAndOverride) {
  auto tcg = host_capacity(true, 2, std::nullopt);
  EXPECT_EQ(tcg.max_vcpus, 16u);
  EXPECT_THAT(tcg.source, HasSubstr("TCG"));
  EXPECT_EQ(host_capacity(false, 8, std::nullopt).max_vcpus, 16u);
  EXPECT_EQ(host_capacity(false, 512, std::nullopt).max_vcpus, 255u);
  auto env = host_capacity(true, 2, "64");
  EXPECT_EQ(env.max_vcpus, 64u);
  EXPECT_EQ(env.source, "KTSTR_MAX_VCPUS");
  for (const char* bad : {"", "0", "-1", "lots", "12x"})
    EXPECT_KTSTR_ERROR(host_capacity(true, 2, bad),
                       "KTSTR_MAX_VCPUS='" + std::string(bad) + "' must be a positive number of vCPUs");
}

TEST(Capacity, DropsWhatTheHostCannotRunWithTheReason) {
  auto sel = filter_by_capacity(presets(), host_capacity(true, 2, std::nullopt));
  EXPECT_EQ(names(sel.kept), (std::vector<std::string>{"tiny-1llc", "tiny-2llc", "odd-3llc", "odd-5llc",
                                                       "odd-7llc", "smt-2llc", "smt-3llc", "numa2-4llc"}));
  ASSERT_EQ(sel.dropped.size(), 16u);
  EXPECT_EQ(sel.dropped[0].preset.name, "medium-4llc");
  EXPECT_THAT(sel.dropped[0].reason, HasSubstr("32 vCPUs is more than the host allows (16"));
}
