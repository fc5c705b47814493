#include "scenario/catalog.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "scenario/validate.hpp"

using namespace ktstr::scenario;
using ::testing::HasSubstr;

namespace {

// The work types of PRODUCT.md §2 and their group sizes as the catalog
// assumes them (pairs, one messenger + 4 receivers, 4 lock contenders).
ValidationContext context(const CpuLayout* layout) {
  ValidationContext ctx;
  ctx.is_known_type = ValidationContext::known_types(
      {"CpuSpin", "YieldHeavy", "Mixed", "IoSync", "Bursty", "PipeIo", "FutexPingPong", "CachePressure", "CacheYield",
       "CachePipe", "FutexFanOut", "FanOutCompute", "Sequence", "ForkExit", "NiceSweep", "AffinityChurn", "PolicyChurn",
       "PageFaultChurn", "MutexContention"});
  ctx.group_size = [](const Work& w) -> uint32_t {
    if (w.type == "PipeIo" || w.type == "FutexPingPong" || w.type == "CachePipe") return 2;
    if (w.type == "FutexFanOut" || w.type == "FanOutCompute") return 5;
    if (w.type == "MutexContention") return 4;
    return 1;
  };
  ctx.layout = layout;
  return ctx;
}

}  // namespace

TEST(Catalog, CuratedSetIsComplete) {
  std::set<std::string> curated;
  for (const auto* e : catalog::list(true)) curated.insert(e->name);
  EXPECT_EQ(curated,
            (std::set<std::string>{"steady", "steady_llc", "oversubscribed", "cpuset_apply", "cpuset_clear",
                                   "cpuset_resize", "cgroup_add", "cgroup_remove", "affinity_change", "affinity_pinned",
                                   "host_contention", "mixed_workloads", "nested_steady", "nested_task_move"}));
  EXPECT_GT(catalog::list().size(), curated.size());  // plus stress families
}

TEST(Catalog, NamesUniqueAndDescribed) {
  std::set<std::string> names;
  for (const auto& e : catalog::all()) {
    EXPECT_TRUE(names.insert(e.name).second) << e.name;
    EXPECT_FALSE(e.description.empty()) << e.name;
    EXPECT_EQ(e.description.find('\n'), std::string::npos) << e.name;
    EXPECT_TRUE(e.build) << e.name;
  }
}

TEST(Catalog, FindAndFilter) {
  ASSERT_NE(catalog::find("steady"), nullptr);
  EXPECT_EQ(catalog::find("steady")->name, "steady");
  EXPECT_EQ(catalog::find("nope"), nullptr);
  std::vector<std::string> cpuset;
  for (const auto* e : catalog::filter("cpuset")) cpuset.push_back(e->name);
  EXPECT_EQ(cpuset, (std::vector<std::string>{"cpuset_apply", "cpuset_clear", "cpuset_resize", "cpuset_race"}));
  EXPECT_EQ(catalog::filter("").size(), catalog::all().size());
}

// Every scenario either validates on the layout or says why it cannot run.
TEST(Catalog, EveryScenarioValidatesOrSkips) {
  for (const char* topo : {"1n2l2c1t", "1n1l4c1t", "1n1l2c1t", "1n2l4c1t", "2n4l4c1t", "1n3l3c2t"}) {
    const CpuLayout layout = CpuLayout::from_name(topo);
    for (const auto& e : catalog::all()) {
      if (auto why = e.skip_reason(layout)) {
        EXPECT_FALSE(why->empty());
        continue;
      }
      Scenario s = e.instantiate(layout);
      EXPECT_EQ(s.name, e.name);
      EXPECT_THAT(validation_errors(s, context(&layout)), ::testing::ElementsAre()) << e.name << " on " << topo;
    }
  }
}

TEST(Catalog, SkipReasons) {
  const CpuLayout one_llc = CpuLayout::from_name("1n1l4c1t");
  EXPECT_EQ(catalog::find("steady_llc")->skip_reason(one_llc), "needs at least 2 LLCs, topology has 1");
  EXPECT_FALSE(catalog::find("steady_llc")->skip_reason(CpuLayout::from_name("1n2l2c1t")));
  EXPECT_EQ(catalog::find("cpuset_resize")->skip_reason(CpuLayout::from_name("1n1l2c1t")),
            "needs at least 3 usable CPUs, topology has 2");
}

TEST(Catalog, AdaptsToTheLayout) {
  auto eight = CpuLayout::from_name("1n8l2c1t");
  auto s = catalog::find("steady_llc")->instantiate(eight);
  ASSERT_EQ(s.steps[0].cgroups.size(), 8u);
  EXPECT_EQ(s.steps[0].cgroups[7].name, "cg_llc7");
  EXPECT_EQ(s.steps[0].cgroups[7].cpuset, CpusetSpec::llc(7));
  EXPECT_EQ(catalog::find("per_cpu_cgroups")->instantiate(eight).steps[0].cgroups.size(), eight.usable.size());
}

TEST(Catalog, SwappableGroupsTakeAWorkOverride) {
  auto s = with_work_type(catalog::find("steady")->instantiate(CpuLayout::from_name("1n2l2c1t")), "YieldHeavy");
  for (const auto& d : s.steps[0].cgroups) EXPECT_EQ(d.works.at(0).type, "YieldHeavy");
  auto m = with_work_type(catalog::find("mixed_workloads")->instantiate(CpuLayout::from_name("1n2l2c1t")), "Mixed");
  EXPECT_EQ(m.steps[0].cgroups[1].works.at(0).type, "YieldHeavy");  // type-specific groups keep their type
}
