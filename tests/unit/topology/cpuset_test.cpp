#include <gtest/gtest.h>

#include "topology/cpuset.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::topology;

TEST(CpuList, Formats) {
  EXPECT_EQ(format_cpu_list({}), "");
  EXPECT_EQ(format_cpu_list({5}), "5");
  EXPECT_EQ(format_cpu_list({0, 1, 2, 3, 8, 10, 11}), "0-3,8,10-11");
  EXPECT_EQ(format_cpu_list({0, 2, 4}), "0,2,4");
  EXPECT_EQ(format_cpu_list({6, 7}), "6-7");
}

TEST(CpuList, Parses) {
  EXPECT_EQ(parse_cpu_list(""), CpuSet{});
  EXPECT_EQ(parse_cpu_list("\n"), CpuSet{});
  EXPECT_EQ(parse_cpu_list("0-3,8,10-11\n"), (CpuSet{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(parse_cpu_list("7"), CpuSet{7});
  // Unordered and overlapping input is normalized.
  EXPECT_EQ(parse_cpu_list("4,0-2,1"), (CpuSet{0, 1, 2, 4}));
}

TEST(CpuList, RoundTrips) {
  for (const char* s : {"0", "0-1", "0-3,8,10-11", "1,3,5-9,200-255"})
    EXPECT_EQ(format_cpu_list(parse_cpu_list(s)), s);
}

TEST(CpuList, RejectsGarbageWithTheText) {
  for (const char* s : {"a", "1-", "-3", "3-1", "1,,2", "1;2", "0-99999999"}) {
    EXPECT_KTSTR_ERROR(parse_cpu_list(s), "bad CPU list");
  }
  EXPECT_KTSTR_ERROR(parse_cpu_list("3-1"), "range '3-1' runs backwards");
}
