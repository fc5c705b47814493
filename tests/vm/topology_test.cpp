// The guest really sees the topology the model computes: each shape boots
// and guest init compares its own sysfs (LLC CPU lists, SMT siblings, node
// CPU lists, distances, memory per node) with the model.
#include <gtest/gtest.h>

#include "vm_harness.hpp"

using ktstr::vmtest::run_ktstr;

namespace {

class TopologyShape : public ::testing::TestWithParam<const char*> {};

TEST_P(TopologyShape, GuestSysfsMatchesTheModel) {
  KTSTR_REQUIRE_VM();
  std::string shape = GetParam();
  auto r = run_ktstr({"shell", "--topology", shape, "--exec", "/init topo --expect '" + shape + "'"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("sysfs matches"), std::string::npos) << r.out << r.err;
}

INSTANTIATE_TEST_SUITE_P(Shapes, TopologyShape,
                         ::testing::Values("1n1l4c1t", "1n2l2c1t", "1n3l3c1t", "1n2l2c2t", "2n4l2c1t",
                                           // uneven: 1 LLC + 512 MiB, 2 LLCs, a memory-only node
                                           "3n3l2c1t:1l512m,2l,0l256m"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace

TEST(Topology, OddShapeRawSysfs) {
  KTSTR_REQUIRE_VM();
  // Read sysfs directly too, so the check does not rest on compare() alone.
  auto r = run_ktstr({"shell", "--topology", "1n3l3c1t", "--exec",
                      "cat /sys/devices/system/cpu/online "
                      "/sys/devices/system/cpu/cpu0/cache/index3/shared_cpu_list "
                      "/sys/devices/system/cpu/cpu4/cache/index3/shared_cpu_list "
                      "/sys/devices/system/cpu/cpu8/cache/index3/shared_cpu_list"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "0-8\n0-2\n3-5\n6-8\n");
}

TEST(Topology, SmtSiblingsAndNumaDistancesRawSysfs) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"shell", "--topology", "2n4l1c2t", "--exec",
                      "cat /sys/devices/system/cpu/cpu2/topology/thread_siblings_list "
                      "/sys/devices/system/node/node0/cpulist /sys/devices/system/node/node1/cpulist "
                      "/sys/devices/system/node/node1/distance"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "2-3\n0-3\n4-7\n20 10\n");
}

TEST(Topology, InvalidShapesAreRefusedBeforeBooting) {
  struct Case {
    const char* topo;
    const char* says;
  } cases[] = {
      {"2n3l2c1t", "must be a multiple of numa_nodes"},
      {"1n0l2c1t", "llcs must be at least 1"},
      {"1n16l16c1t", "255"},
      {"bogus", "1n2l4c1t"},
  };
  for (const auto& c : cases) {
    auto r = run_ktstr({"shell", "--topology", c.topo, "--exec", "true"}, std::chrono::seconds(30));
    EXPECT_EQ(r.code, 2) << c.topo << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.topo << ": " << r.err;
    EXPECT_LT(r.seconds, 5) << "refused only after booting?";
  }
}
