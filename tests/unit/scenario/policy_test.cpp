#include "scenario/policy.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::scenario;

TEST(SchedPolicy, PriorityRange) {
  EXPECT_FALSE(SchedPolicy::normal().check());
  EXPECT_FALSE(SchedPolicy::fifo(1).check());
  EXPECT_FALSE(SchedPolicy::rr(99).check());
  EXPECT_EQ(SchedPolicy::fifo(0).check(), "policy fifo(0): priority must be 1..99");
  EXPECT_EQ(SchedPolicy::rr(100).check(), "policy rr(100): priority must be 1..99");
  EXPECT_EQ((SchedPolicy{SchedPolicy::Kind::batch, 3}).check(), "policy batch takes no priority");
}

TEST(SchedPolicy, TextRoundTrip) {
  for (const auto& p :
       {SchedPolicy::normal(), SchedPolicy::batch(), SchedPolicy::idle(), SchedPolicy::fifo(10), SchedPolicy::rr(99)})
    EXPECT_EQ(SchedPolicy::parse(p.to_string()), p) << p.to_string();
  EXPECT_KTSTR_ERROR(SchedPolicy::parse("fifo"), "bad policy 'fifo': fifo takes 1 argument(s)");
  EXPECT_KTSTR_ERROR(SchedPolicy::parse("deadline"), "bad policy 'deadline': expected normal, batch, idle, fifo(prio) or rr(prio)");
}

TEST(MemPolicy, NodesAndFlags) {
  const CpuLayout two = CpuLayout::from_name("2n2l2c1t");
  EXPECT_FALSE(MemPolicy{}.check());
  EXPECT_FALSE(MemPolicy::local().check());
  EXPECT_FALSE(MemPolicy::bind({0, 1}).check(&two));
  EXPECT_EQ(MemPolicy::bind({}).check(), "mempolicy bind: needs at least one node");
  EXPECT_EQ((MemPolicy{MemPolicy::Mode::preferred, {0, 1}}).check(),
            "mempolicy preferred(0-1): preferred takes one node (use preferred_many for several)");
  EXPECT_EQ((MemPolicy{MemPolicy::Mode::local, {0}}).check(), "mempolicy local(0): mode takes no nodes");
  EXPECT_EQ(MemPolicy::interleave({0, 2}).check(&two),
            "mempolicy interleave(0,2): node 2 does not exist (topology has 2 node(s))");
  MemPolicy both = MemPolicy::bind({0});
  both.static_nodes = both.relative_nodes = true;
  EXPECT_EQ(both.check(), "mempolicy bind(0,static,relative): static and relative nodes exclude each other");
}

TEST(MemPolicy, ExpectedNodesForLocality) {
  EXPECT_EQ(MemPolicy::preferred_many({1, 2}).expected_nodes(), (std::vector<uint32_t>{1, 2}));
  EXPECT_TRUE(MemPolicy{}.expected_nodes().empty());
  MemPolicy rel = MemPolicy::weighted_interleave({0});
  rel.relative_nodes = true;
  EXPECT_TRUE(rel.expected_nodes().empty());
  EXPECT_EQ(mode_from_name("weighted_interleave"), MemPolicy::Mode::weighted_interleave);
  EXPECT_EQ(mode_name(MemPolicy::Mode::default_policy), "default");
}
