// CPU numbering of PRODUCT.md §1 for several shapes.
#include <gtest/gtest.h>

#include "shapes.hpp"

#include "topology/topology.hpp"

using namespace ktstr::topology;
using ktstr::CpuList;

namespace {
using ktstr::topology::test::T;
}  // namespace

TEST(Numbering, TwoLlcsNoSmt) {
  Topology t = T(1, 2, 4, 1);
  EXPECT_EQ(t.cpus(), 8u);
  EXPECT_EQ(t.name(), "1n2l4c1t");
  EXPECT_EQ(t.llc_cpus(0), (CpuList{0, 1, 2, 3}));
  EXPECT_EQ(t.llc_cpus(1), (CpuList{4, 5, 6, 7}));
  EXPECT_EQ(t.llc_of(3), 0u);
  EXPECT_EQ(t.llc_of(4), 1u);
  EXPECT_EQ(t.core_of(5), 1u);
  EXPECT_EQ(t.smt_siblings(5), CpuList{5});
  EXPECT_EQ(t.node_cpus(0), t.all_cpus());
  EXPECT_EQ(t.usable_cpus(), (CpuList{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_FALSE(t.has_smt());
}

TEST(Numbering, OddShape) {
  Topology t = T(1, 3, 3, 1);  // odd-3llc
  EXPECT_EQ(t.cpus(), 9u);
  EXPECT_EQ(t.llc_cpus(2), (CpuList{6, 7, 8}));
  EXPECT_EQ(t.llc_of(5), 1u);
  EXPECT_EQ(t.core_of(5), 2u);
  EXPECT_EQ(t.core_of(6), 0u);
}

TEST(Numbering, SmtSiblingsAreAdjacent) {
  Topology t = T(1, 3, 2, 2);  // smt-3llc
  EXPECT_EQ(t.cpus(), 12u);
  EXPECT_EQ(t.llc_cpus(1), (CpuList{4, 5, 6, 7}));
  EXPECT_EQ(t.smt_siblings(4), (CpuList{4, 5}));
  EXPECT_EQ(t.smt_siblings(7), (CpuList{6, 7}));
  EXPECT_EQ(t.core_of(6), 1u);
  EXPECT_EQ(t.core_of(9), 0u);
  EXPECT_EQ(t.llc_of(9), 2u);
  EXPECT_TRUE(t.has_smt());
}

TEST(Numbering, EvenNumaNodes) {
  Topology t = T(4, 8, 4, 1);  // numa4-8llc
  EXPECT_EQ(t.node_of_llc(1), 0u);
  EXPECT_EQ(t.node_of_llc(2), 1u);
  EXPECT_EQ(t.node_of(31), 3u);
  EXPECT_EQ(t.node_cpus(1), (CpuList{8, 9, 10, 11, 12, 13, 14, 15}));
  EXPECT_EQ(t.distance(0, 0), 10u);
  EXPECT_EQ(t.distance(0, 3), 20u);
}

TEST(Numbering, UnevenNodesOwnConsecutiveLlcs) {
  Topology t = T(3, 3, 2, 1);
  t.nodes = {{.llcs = 1, .memory_mb = 256}, {.llcs = 2, .memory_mb = 0}, {.llcs = 0, .memory_mb = 128}};
  t.validate();
  EXPECT_EQ(t.node_cpus(0), (CpuList{0, 1}));
  EXPECT_EQ(t.node_cpus(1), (CpuList{2, 3, 4, 5}));
  EXPECT_EQ(t.node_cpus(2), CpuList{});  // memory-only
  EXPECT_EQ(t.node_of(1), 0u);
  EXPECT_EQ(t.node_of(2), 1u);
  EXPECT_EQ(t.node_of(5), 1u);
  EXPECT_EQ(t.first_llc_of_node(1), 1u);
  EXPECT_EQ(t.name(), "3n3l2c1t:1l256m,2l,0l128m");
}

TEST(Numbering, CustomDistances) {
  Topology t = T(2, 2, 1, 1);
  t.distances = {{10, 31}, {31, 10}};
  t.validate();
  EXPECT_EQ(t.distance(1, 0), 31u);
  EXPECT_EQ(t.distance(1, 1), 10u);
}

TEST(Numbering, UsableKeepsSmallGuestsWhole) {
  EXPECT_EQ(T(1, 1, 1, 1).usable_cpus(), CpuList{0});
  EXPECT_EQ(T(1, 1, 2, 1).usable_cpus(), (CpuList{0, 1}));
  EXPECT_EQ(T(1, 1, 3, 1).usable_cpus(), (CpuList{0, 1}));
}
