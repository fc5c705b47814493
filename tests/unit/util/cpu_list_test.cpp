// The one CPU-list type and its parser/formatter (util/cpu_list).
#include "util/cpu_list.hpp"

#include <gtest/gtest.h>

#include "support/ktstr_test_support.hpp"
#include "util/error.hpp"

using namespace ktstr;

namespace {
std::string parse_error(std::string_view text) { return ktstr::test::error_of([&] { parse_cpu_list(text); }); }
}  // namespace

TEST(CpuList, Formats) {
  EXPECT_EQ(format_cpu_list({}), "");
  EXPECT_EQ(format_cpu_list({5}), "5");
  EXPECT_EQ(format_cpu_list({0, 1, 2, 3, 8, 10, 11}), "0-3,8,10-11");
  EXPECT_EQ(format_cpu_list({0, 2, 4}), "0,2,4");
  EXPECT_EQ(format_cpu_list({6, 7}), "6-7");
  // Any order, duplicates: formatted as the normalized set.
  EXPECT_EQ(format_cpu_list({6, 1, 0, 1, 7, 9}), "0-1,6-7,9");
}

TEST(CpuList, ParsesKernelSyntax) {
  EXPECT_EQ(parse_cpu_list(""), CpuList{});
  EXPECT_EQ(parse_cpu_list("\n"), CpuList{});
  EXPECT_EQ(parse_cpu_list("0-3,8,10-11\n"), (CpuList{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(parse_cpu_list("7"), CpuList{7});
  EXPECT_EQ(parse_cpu_list(" 5 , 1-2\n"), (CpuList{1, 2, 5}));
  EXPECT_EQ(parse_cpu_list("4,0-2,1"), (CpuList{0, 1, 2, 4}));  // normalized
}

TEST(CpuList, RoundTrips) {
  for (const char* s : {"0", "0-1", "0-3,8,10-11", "1,3,5-9,200-255"}) EXPECT_EQ(format_cpu_list(parse_cpu_list(s)), s);
}

TEST(CpuList, BadListsSayWhatIsWrong) {
  EXPECT_EQ(parse_error("a"), "bad CPU list 'a': 'a' is not a CPU number");
  EXPECT_EQ(parse_error("1;2"), "bad CPU list '1;2': '1;2' is not a CPU number");
  EXPECT_EQ(parse_error("1,,2"), "bad CPU list '1,,2': empty item (a stray ',' or '-'?)");
  EXPECT_EQ(parse_error("1-"), "bad CPU list '1-': empty item (a stray ',' or '-'?)");
  EXPECT_EQ(parse_error("-3"), "bad CPU list '-3': empty item (a stray ',' or '-'?)");
  EXPECT_EQ(parse_error("0, 3-1"), "bad CPU list '0, 3-1': range '3-1' runs backwards");
  EXPECT_EQ(parse_error("0-99999999"), "bad CPU list '0-99999999': CPU 99999999 is out of range (max 1048575)");
  EXPECT_EQ(parse_error(" 2-x\n"), "bad CPU list '2-x': 'x' is not a CPU number");
}

TEST(CpuList, SetOperations) {
  EXPECT_EQ(cpu_intersection({0, 1, 2, 3}, {2, 3, 4}), (CpuList{2, 3}));
  EXPECT_EQ(cpu_difference({3, 0, 1, 2}, {1, 2}), (CpuList{0, 3}));
  EXPECT_EQ(cpu_union({2, 0}, {1, 0}), (CpuList{0, 1, 2}));
  EXPECT_EQ(normalized({3, 1, 3, 2}), (CpuList{1, 2, 3}));
}
