#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "shapes.hpp"

#include "topology/memory.hpp"
#include "topology/topology.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::topology;
using ::testing::HasSubstr;

namespace {
using ktstr::topology::test::T;
}  // namespace

TEST(Memory, DefaultIsMaxOfPerCpuFloorAndRequest) {
  EXPECT_EQ(default_memory_mb(T(1, 1, 2, 1)), 256u);        // floor
  EXPECT_EQ(default_memory_mb(T(1, 2, 4, 1)), 512u);        // 8 × 64
  EXPECT_EQ(default_memory_mb(T(1, 2, 4, 1), 2048), 2048u);  // request wins
  EXPECT_EQ(default_memory_mb(T(1, 2, 4, 1), 100), 512u);
  EXPECT_EQ(default_memory_mb(T(4, 12, 8, 2)), 192u * 64);
}

TEST(Memory, EvenSplitInTwoMiBSteps) {
  EXPECT_EQ(node_memory_mb(T(1, 1, 1, 1), 300), (std::vector<uint64_t>{300}));
  EXPECT_EQ(node_memory_mb(T(2, 2, 1, 1), 512), (std::vector<uint64_t>{256, 256}));
  EXPECT_EQ(node_memory_mb(T(3, 3, 1, 1), 1000), (std::vector<uint64_t>{332, 332, 336}));
  EXPECT_THAT([] { node_memory_mb(T(4, 4, 1, 1), 200); },
              ::testing::ThrowsMessage<Error>(HasSubstr("less than 64 MiB per node")));
}

TEST(Memory, DeclaredNodes) {
  Topology t = T(3, 3, 2, 1);
  t.nodes = {{.llcs = 1, .memory_mb = 256}, {.llcs = 2}, {.llcs = 0, .memory_mb = 128}};
  EXPECT_EQ(default_memory_mb(t), 448u);  // 384 declared + 64 for the auto node, above 6×64 and 256
  EXPECT_EQ(node_memory_mb(t, 1024), (std::vector<uint64_t>{256, 640, 128}));
  EXPECT_THAT([&] { node_memory_mb(t, 300); },
              ::testing::ThrowsMessage<Error>(HasSubstr("declare 384 MiB but the guest has only 300 MiB")));

  t.nodes[1].memory_mb = 512;  // every node declared: the guest gets exactly the sum
  EXPECT_EQ(default_memory_mb(t), 896u);
  EXPECT_EQ(default_memory_mb(t, 896), 896u);
  EXPECT_KTSTR_ERROR(default_memory_mb(t, 1024), "its nodes declare 896 MiB in total, which contradicts the requested 1024 MiB");
  EXPECT_EQ(node_memory_mb(t, 896), (std::vector<uint64_t>{256, 512, 128}));
  EXPECT_THAT([&] { node_memory_mb(t, 1024); },
              ::testing::ThrowsMessage<Error>(HasSubstr("declare 896 MiB in total but the guest has 1024 MiB")));
}
