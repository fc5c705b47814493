#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "topology/parse.hpp"
#include "topology/presets.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::topology;
using ::testing::HasSubstr;
using ktstr::test::error_of;

TEST(Parse, ShortNameAndCommas) {
  Topology a = parse_topology("1n2l4c1t");
  EXPECT_EQ(a.llcs, 2u);
  EXPECT_EQ(a.cores_per_llc, 4u);
  EXPECT_EQ(a, parse_topology("1,2,4,1"));
  EXPECT_EQ(parse_topology(" 2,4,4,1\n").numa_nodes, 2u);
}

TEST(Parse, Presets) {
  EXPECT_EQ(parse_topology("smt-3llc").name(), "1n3l2c2t");
  EXPECT_EQ(parse_topology("numa4-12llc").name(), "4n12l8c2t");
}

TEST(Parse, NameRoundTrips) {
  for (const auto& p : presets()) EXPECT_EQ(parse_topology(p.topology.name()), p.topology) << p.name;
  for (const char* s : {"1n1l1c1t", "3n9l3c1t", "3n3l2c1t:1l256m,2l,0l128m", "2n3l1c2t:2l,1l"})
    EXPECT_EQ(parse_topology(s).name(), s);
}

TEST(Parse, ClearErrors) {
  try {
    parse_topology("huge");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown topology 'huge'"));
    EXPECT_THAT(e.what(), HasSubstr("N,L,C,T"));
    EXPECT_THAT(e.what(), HasSubstr("tiny-1llc"));
  }
  EXPECT_KTSTR_ERROR(parse_topology("1n2l4c"), "unknown topology '1n2l4c': expected N,L,C,T");
  // Near misses of the numeric forms name the field that is wrong.
  EXPECT_EQ(error_of([] { parse_topology("1,2,4"); }),
            "topology '1,2,4': N,L,C,T takes 4 numbers (numa_nodes, llcs, cores_per_llc, threads_per_core), got 3");
  EXPECT_EQ(error_of([] { parse_topology("1,2,-4,1"); }),
            "topology '1,2,-4,1': cores_per_llc is -4, a negative count; each of N,L,C,T (numa_nodes, llcs, "
            "cores_per_llc, threads_per_core) must be a whole number of at least 1");
  EXPECT_KTSTR_ERROR(parse_topology("1n-2l4c1t"), "topology '1n-2l4c1t': llcs is -2, a negative count");
  EXPECT_KTSTR_ERROR(parse_topology("1,2,x,1"), "topology '1,2,x,1': cores_per_llc is 'x', not a number");
  EXPECT_KTSTR_ERROR(parse_topology("1n2l4c1.5t"), "topology '1n2l4c1.5t': threads_per_core is '1.5', not a number");
  EXPECT_KTSTR_ERROR(parse_topology("2n3l2c1t"), "must be a multiple of numa_nodes");  // validated, too
  EXPECT_KTSTR_ERROR(parse_topology("2n3l2c1t:1l,2x"), "node '2x' must look like 2l");
  EXPECT_KTSTR_ERROR(parse_topology("1,99999999999,1,1"), "topology '1,99999999999,1,1': 99999999999 is too large");
}
