// Scenario memory policies become set_mempolicy(2) arguments.
#include <linux/mempolicy.h>

#include <gtest/gtest.h>

#include "guest/worker_adapter.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using scenario::MemPolicy;

TEST(MemPolicyAdapter, ModesFlagsAndMask) {
  EXPECT_FALSE(guest::to_mempolicy(MemPolicy{}));
  auto b = guest::to_mempolicy(MemPolicy::bind({0, 2}));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->mode, MPOL_BIND);
  EXPECT_EQ(b->nodemask, 0b101u);
  EXPECT_EQ(b->flags, 0u);
  EXPECT_EQ(b->describe, "bind(0,2)");
  MemPolicy s = MemPolicy::interleave({1});
  s.static_nodes = true;
  auto i = guest::to_mempolicy(s);
  EXPECT_EQ(i->mode, MPOL_INTERLEAVE);
  EXPECT_EQ(i->flags, static_cast<unsigned>(MPOL_F_STATIC_NODES));
  EXPECT_EQ(guest::to_mempolicy(MemPolicy::local())->mode, MPOL_LOCAL);
  EXPECT_EQ(guest::to_mempolicy(MemPolicy::weighted_interleave({0, 1}))->mode, MPOL_WEIGHTED_INTERLEAVE);
  EXPECT_KTSTR_ERROR(guest::to_mempolicy(MemPolicy::bind({64})), "node 64 is beyond the 64 nodes ktstr's workers support");
}
