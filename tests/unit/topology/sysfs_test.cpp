// The sysfs reader on a fake tree, infer_topology() and compare().
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "shapes.hpp"

#include <filesystem>
#include <fstream>

#include "topology/sysfs_topology.hpp"
#include "util/error.hpp"

using namespace ktstr;
using namespace ktstr::topology;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

// A fake /sys laid out like the kernel's, written from a model so each test
// can then break one thing.
class FakeSys {
 public:
  FakeSys() : root_(fs::temp_directory_path() / ("ktstr-sysfs-" + std::to_string(::getpid()) + "-" +
                                                 std::to_string(counter_++))) {
    fs::remove_all(root_);
  }
  ~FakeSys() { fs::remove_all(root_); }
  const fs::path& root() const { return root_; }

  void put(const std::string& rel, const std::string& text) {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text << "\n";
  }
  std::string cpu(uint32_t c) const { return "devices/system/cpu/cpu" + std::to_string(c) + "/"; }
  std::string node(uint32_t n) const { return "devices/system/node/node" + std::to_string(n) + "/"; }

  // Writes what a correct guest shows for `t` (core_id per LLC as on microvm).
  void from_model(const Topology& t, bool with_nodes = true) {
    std::string all = format_cpu_list(t.all_cpus());
    put("devices/system/cpu/online", all);
    put("devices/system/cpu/possible", all);
    for (uint32_t c = 0; c < t.cpus(); ++c) {
      put(cpu(c) + "topology/physical_package_id", std::to_string(t.llc_of(c)));
      put(cpu(c) + "topology/die_id", "0");
      put(cpu(c) + "topology/core_id", std::to_string(t.core_of(c)));
      put(cpu(c) + "topology/thread_siblings_list", format_cpu_list(t.smt_siblings(c)));
      put(cpu(c) + "cache/index0/level", "1");
      put(cpu(c) + "cache/index0/type", "Data");
      put(cpu(c) + "cache/index0/shared_cpu_list", std::to_string(c));
      put(cpu(c) + "cache/index1/level", "1");
      put(cpu(c) + "cache/index1/type", "Instruction");
      put(cpu(c) + "cache/index1/shared_cpu_list", std::to_string(c));
      put(cpu(c) + "cache/index3/level", "3");
      put(cpu(c) + "cache/index3/type", "Unified");
      put(cpu(c) + "cache/index3/shared_cpu_list", format_cpu_list(t.llc_cpus(t.llc_of(c))));
    }
    if (!with_nodes) return;
    for (uint32_t n = 0; n < t.numa_nodes; ++n) {
      put(node(n) + "cpulist", format_cpu_list(t.node_cpus(n)));
      std::string d;
      for (uint32_t k = 0; k < t.numa_nodes; ++k) d += (k ? " " : "") + std::to_string(t.distance(n, k));
      put(node(n) + "distance", d);
      put(node(n) + "meminfo", "Node " + std::to_string(n) + " MemTotal:       200000 kB\nNode " +
                                   std::to_string(n) + " MemFree:        100000 kB");
    }
  }

 private:
  static inline int counter_ = 0;
  fs::path root_;
};

using ktstr::topology::test::T;

}  // namespace

TEST(Sysfs, ReadsATree) {
  FakeSys s;
  Topology t = T(2, 4, 2, 2);
  s.from_model(t);
  ObservedTopology o = read_sysfs_topology(s.root());
  EXPECT_EQ(o.online, t.all_cpus());
  ASSERT_EQ(o.cpus.size(), 16u);
  EXPECT_EQ(o.cpus[5].llc, (CpuList{4, 5, 6, 7}));
  EXPECT_EQ(o.cpus[5].llc_level, 3u);
  EXPECT_EQ(o.cpus[5].smt_siblings, (CpuList{4, 5}));
  EXPECT_EQ(o.cpus[5].core_id, 0);
  EXPECT_EQ(o.cpus[5].package, 1);
  EXPECT_EQ(o.cpus[9].node, 1);
  EXPECT_EQ(o.llcs.size(), 4u);
  ASSERT_EQ(o.nodes.size(), 2u);
  EXPECT_EQ(o.nodes[1].cpus, (CpuList{8, 9, 10, 11, 12, 13, 14, 15}));
  EXPECT_THAT(o.nodes[1].distances, ElementsAre(20u, 10u));
  EXPECT_EQ(o.nodes[1].memory_kb, 200000u);
  EXPECT_TRUE(compare(t, o).empty());
  EXPECT_EQ(infer_topology(o), t);
}

TEST(Sysfs, NoNumaDirectoryMeansOneNode) {
  FakeSys s;
  Topology t = T(1, 3, 3, 1);
  s.from_model(t, /*with_nodes=*/false);
  ObservedTopology o = read_sysfs_topology(s.root());
  ASSERT_EQ(o.nodes.size(), 1u);
  EXPECT_EQ(o.nodes[0].cpus, t.all_cpus());
  EXPECT_TRUE(compare(t, o).empty());
  EXPECT_EQ(infer_topology(o), t);
}

TEST(Sysfs, MissingTreeIsAClearError) {
  EXPECT_THAT([] { read_sysfs_topology("/nonexistent-ktstr-root"); },
              ::testing::ThrowsMessage<Error>(HasSubstr("is sysfs mounted at /nonexistent-ktstr-root")));
}

TEST(Sysfs, UnevenNodesAndCustomDistancesAreInferred) {
  FakeSys s;
  Topology t = T(3, 3, 2, 1);
  t.nodes = {{.llcs = 1}, {.llcs = 2}, {.llcs = 0}};
  t.distances = {{10, 21, 31}, {21, 10, 17}, {31, 17, 10}};
  s.from_model(t);
  ObservedTopology o = read_sysfs_topology(s.root());
  EXPECT_TRUE(compare(t, o).empty());
  auto inferred = infer_topology(o);
  ASSERT_TRUE(inferred);
  EXPECT_EQ(inferred->name(), "3n3l2c1t:1l,2l,0l");
  EXPECT_EQ(inferred->distances, t.distances);
}

TEST(Compare, NamesEveryMismatch) {
  FakeSys s;
  Topology t = T(2, 4, 2, 1);  // 8 CPUs, LLCs 0-1 2-3 4-5 6-7, nodes 0-3 4-7
  s.from_model(t);
  // One LLC spans two of the model's, SMT appears where there is none,
  // node 1 lost a CPU and a distance is off.
  for (uint32_t c : {2, 3, 4, 5}) s.put(s.cpu(c) + "cache/index3/shared_cpu_list", "2-5");
  s.put(s.cpu(6) + "topology/thread_siblings_list", "6-7");
  s.put(s.cpu(7) + "topology/thread_siblings_list", "6-7");
  s.put(s.node(0) + "cpulist", "0-4");
  s.put(s.node(1) + "cpulist", "5-7");
  s.put(s.node(0) + "distance", "10 21");
  ObservedTopology o = read_sysfs_topology(s.root());
  EXPECT_THAT(compare(t, o),
              ElementsAre("LLC 1: expected CPUs 2-3, guest has 2-5", "LLC 2: expected CPUs 4-5, guest has 2-5",
                          "core 0 of LLC 3: expected SMT siblings 6, guest has 6-7",
                          "core 1 of LLC 3: expected SMT siblings 7, guest has 6-7",
                          "node 0: expected CPUs 0-3, guest has 0-4", "node 0: expected distances 10 20, guest has 10 21",
                          "node 1: expected CPUs 4-7, guest has 5-7"));
  EXPECT_FALSE(infer_topology(o));
}

TEST(Compare, CpuCountNodesAndMemory) {
  FakeSys s;
  s.from_model(T(1, 1, 4, 1));
  ObservedTopology o = read_sysfs_topology(s.root());
  Topology want = T(2, 2, 4, 1);
  auto diffs = compare(want, o, {512, 512});
  EXPECT_THAT(diffs, ::testing::Contains("expected 8 CPUs (0-7), guest has possible CPUs 0-3"));
  EXPECT_THAT(diffs, ::testing::Contains("expected CPUs 0-7 online, guest has 0-3 online"));
  EXPECT_THAT(diffs, ::testing::Contains("expected 2 NUMA node(s), guest has 1"));
  EXPECT_THAT(diffs, ::testing::Contains("node 1: missing in the guest (expected CPUs 4-7)"));
  EXPECT_THAT(diffs, ::testing::Contains("node 0: expected about 512 MiB of memory, guest has 195 MiB"));
  EXPECT_THAT(diffs, ::testing::Contains("node 0: expected distances 10 20, guest has 10"));
  // CPUs that are not online are reported once, not again per LLC.
  EXPECT_THAT(diffs, ::testing::Not(::testing::Contains(HasSubstr("LLC 1"))));
}

TEST(Compare, MixedReportsAreGroupedPerList) {
  FakeSys s;
  Topology t = T(1, 1, 4, 1);
  s.from_model(t);
  s.put(s.cpu(3) + "cache/index3/shared_cpu_list", "3");
  ObservedTopology o = read_sysfs_topology(s.root());
  EXPECT_THAT(compare(t, o),
              ElementsAre("LLC 0: expected CPUs 0-3, guest has 0-3 on CPU(s) 0-2, 3 on CPU(s) 3"));
}
