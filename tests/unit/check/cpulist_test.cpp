#include "check/cpulist.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::check;

TEST(CpuList, FormatsRanges) {
  EXPECT_EQ(format_cpulist({}), "");
  EXPECT_EQ(format_cpulist({3}), "3");
  EXPECT_EQ(format_cpulist({0, 1, 2, 3, 6}), "0-3,6");
  EXPECT_EQ(format_cpulist({6, 1, 0, 1, 7, 9}), "0-1,6-7,9");
}

TEST(CpuList, ParsesKernelSyntax) {
  EXPECT_EQ(parse_cpulist("0-3,6"), (CpuList{0, 1, 2, 3, 6}));
  EXPECT_EQ(parse_cpulist(" 5 , 1-2\n"), (CpuList{1, 2, 5}));
  EXPECT_TRUE(parse_cpulist("").empty());
  // One parser (util/cpu_list) for every CPU list, one wording.
  EXPECT_KTSTR_ERROR(parse_cpulist("a"), "bad CPU list 'a': 'a' is not a CPU number");
  EXPECT_KTSTR_ERROR(parse_cpulist("1-"), "bad CPU list '1-': empty item (a stray ',' or '-'?)");
  EXPECT_KTSTR_ERROR(parse_cpulist("3-1"), "bad CPU list '3-1': range '3-1' runs backwards");
  EXPECT_KTSTR_ERROR(parse_cpulist("1,,2"), "bad CPU list '1,,2': empty item (a stray ',' or '-'?)");
  EXPECT_KTSTR_ERROR(parse_cpulist("-1"), "bad CPU list '-1': empty item (a stray ',' or '-'?)");
}

TEST(CpuList, SetOperations) {
  EXPECT_EQ(cpu_intersection({0, 1, 2, 3}, {2, 3, 4}), (CpuList{2, 3}));
  EXPECT_EQ(cpu_difference({3, 0, 1, 2}, {1, 2}), (CpuList{0, 3}));
  EXPECT_EQ(cpu_union({2, 0}, {1, 0}), (CpuList{0, 1, 2}));
}
