// Base and gauntlet test names, both ways.
#include "runner/test_name.hpp"

#include <gtest/gtest.h>

using namespace ktstr::runner;

TEST(TestNames, BuildAndParse) {
  EXPECT_EQ(base_test_name("mixed_load"), "ktstr/mixed_load");
  EXPECT_EQ(gauntlet_test_name("mixed_load", "smt-2llc", Profile{{"a", "b"}}), "gauntlet/mixed_load/smt-2llc/a+b");
  EXPECT_EQ(gauntlet_test_name("t", "p", Profile{}), "gauntlet/t/p/default");

  EXPECT_EQ(parse_test_name("ktstr/mixed_load"), (TestName{"mixed_load", "", "", false}));
  EXPECT_EQ(parse_test_name("gauntlet/t/p/a+b"), (TestName{"t", "p", "a+b", true}));
  EXPECT_EQ(parse_test_name("ktstr/"), std::nullopt);
  EXPECT_EQ(parse_test_name("gauntlet/t/p"), std::nullopt);
  EXPECT_EQ(parse_test_name("other/t"), std::nullopt);
}
