// APIC ids of the model: power-of-two fields [LLC][core][thread], shared by
// both VM backends.
#include <gtest/gtest.h>

#include "topology/apic_ids.hpp"
#include "topology/parse.hpp"

using namespace ktstr::topology;

TEST(ApicIds, OddCountsLeaveHoles) {
  auto t = parse_topology("1n3l3c1t");
  std::vector<uint32_t> ids;
  for (uint32_t c = 0; c < t.cpus(); ++c) ids.push_back(apic_id(t, c));
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 1, 2, 4, 5, 6, 8, 9, 10}));
  EXPECT_EQ(max_apic_id(parse_topology("1n5l3c1t")), (4u << 2) | 2u);
}

TEST(ApicIds, SmtSiblingsDifferOnlyInTheThreadBit) {
  auto t = parse_topology("1n2l2c2t");
  EXPECT_EQ(apic_layout(t).thread_bits, 1u);
  EXPECT_EQ(apic_layout(t).core_bits, 1u);
  EXPECT_EQ(apic_id(t, 4), 4u);
  EXPECT_EQ(apic_id(t, 5), 5u);
  EXPECT_EQ(apic_id(t, 6), 6u);
}

TEST(ApicIds, BitsFor) {
  EXPECT_EQ(bits_for(1), 0u);
  EXPECT_EQ(bits_for(2), 1u);
  EXPECT_EQ(bits_for(3), 2u);
  EXPECT_EQ(bits_for(4), 2u);
  EXPECT_EQ(bits_for(5), 3u);
  EXPECT_EQ(max_apic_id(parse_topology("max-cpu")), 433u) << "14 LLCs x 9 cores x 2 threads";
}
