#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scenario/cpuset_spec.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::scenario;
using ktstr::CpuList;
using ::testing::HasSubstr;

namespace {

CpuList resolve(const CpusetSpec& s, const char* topo = "1n2l4c1t") { return s.resolve(CpuLayout::from_name(topo)); }

std::string error_of(const CpusetSpec& s, const char* topo = "1n2l4c1t") {
  return ktstr::test::error_of([&] { s.resolve(CpuLayout::from_name(topo)); });
}

}  // namespace

TEST(CpuLayout, FromShapeNumbersSequentially) {
  auto l = CpuLayout::from_name("2n4l2c2t");
  EXPECT_EQ(l.llc_cpus.size(), 4u);
  EXPECT_EQ(l.llc_cpus[1], (CpuList{4, 5, 6, 7}));
  EXPECT_EQ(l.node_cpus[1], (CpuList{8, 9, 10, 11, 12, 13, 14, 15}));
  EXPECT_EQ(l.usable.size(), 15u);  // the highest CPU is the harness's
  EXPECT_EQ(l.threads_per_core, 2u);
  EXPECT_EQ(l.all().size(), 16u);
  EXPECT_EQ(CpuLayout::from_name("1n1l2c1t").usable, (CpuList{0, 1}));  // too small to spare one
  EXPECT_KTSTR_ERROR(CpuLayout::from_name("2n3l1c1t"), "topology 2n3l1c1t: LLCs must be a multiple of NUMA nodes");
  EXPECT_KTSTR_ERROR(CpuLayout::from_name("1n2l"), "bad topology name '1n2l': expected e.g. 1n2l4c1t");
}

// PRODUCT.md §2's worked example: 1n2l4c1t, usable = 0..6.
TEST(CpusetSpec, WorkedExamples) {
  EXPECT_EQ(resolve(CpusetSpec::disjoint(0, 2)), (CpuList{0, 1, 2}));
  EXPECT_EQ(resolve(CpusetSpec::disjoint(1, 2)), (CpuList{3, 4, 5, 6}));
  EXPECT_EQ(resolve(CpusetSpec::overlap(0, 2, 0.5)), (CpuList{0, 1, 2, 3}));
  EXPECT_EQ(resolve(CpusetSpec::overlap(1, 2, 0.5)), (CpuList{2, 3, 4, 5, 6}));
  EXPECT_EQ(resolve(CpusetSpec::range(0, 0.5)), (CpuList{0, 1, 2}));
}

TEST(CpusetSpec, OtherKinds) {
  EXPECT_EQ(resolve(CpusetSpec::llc(1)), (CpuList{4, 5, 6, 7}));
  EXPECT_EQ(resolve(CpusetSpec::numa(1), "2n4l2c1t"), (CpuList{4, 5, 6, 7}));
  EXPECT_EQ(resolve(CpusetSpec::range(0.5, 1)), (CpuList{3, 4, 5, 6}));
  EXPECT_EQ(resolve(CpusetSpec::range(0.29, 1), "1n1l101c1t").front(), 29u);  // no 28.999 rounding down
  EXPECT_EQ(resolve(CpusetSpec::exact({6, 2})), (CpuList{2, 6}));
  EXPECT_EQ(resolve(CpusetSpec::disjoint(2, 3)), (CpuList{4, 5, 6}));  // last part runs to the end
  EXPECT_EQ(resolve(CpusetSpec::overlap(0, 1, 1.0)), (CpuList{0, 1, 2, 3, 4, 5, 6}));
}

TEST(CpusetSpec, ClearErrors) {
  EXPECT_EQ(error_of(CpusetSpec::range(-0.1, 0.5)), "cpuset range(-0.1,0.5): fractions must be within [0, 1]");
  EXPECT_EQ(error_of(CpusetSpec::range(0, 1.5)), "cpuset range(0,1.5): fractions must be within [0, 1]");
  EXPECT_EQ(error_of(CpusetSpec::range(0.6, 0.2)), "cpuset range(0.6,0.2): start 0.6 is after end 0.2");
  EXPECT_EQ(error_of(CpusetSpec::disjoint(2, 2)), "cpuset disjoint(2,2): part index 2 must be below the part count 2");
  EXPECT_EQ(error_of(CpusetSpec::disjoint(0, 0)), "cpuset disjoint(0,0): cannot split into 0 parts");
  EXPECT_EQ(error_of(CpusetSpec::overlap(0, 2, 2)), "cpuset overlap(0,2,2): widening fraction must be within [0, 1]");
  EXPECT_EQ(error_of(CpusetSpec::llc(2)), "cpuset llc(2): LLC index out of range, topology has 2 LLC(s)");
  EXPECT_EQ(error_of(CpusetSpec::numa(1)), "cpuset numa(1): node index out of range, topology has 1 NUMA node(s)");
  EXPECT_EQ(error_of(CpusetSpec::range(0, 0.1)), "cpuset range(0,0.1) resolves to no CPU on 7 usable CPU(s)");
  EXPECT_EQ(error_of(CpusetSpec::disjoint(0, 8)), "cpuset disjoint(0,8): 7 usable CPU(s) cannot be split into 8 parts");
  EXPECT_EQ(error_of(CpusetSpec::exact({7, 8, 9})), "cpuset exact(7-9): CPU(s) 8-9 do not exist (topology has 0-7)");
  EXPECT_EQ(error_of(CpusetSpec::exact({})), "cpuset exact(): empty CPU set");
  // Without a topology, only what is wrong regardless of it.
  EXPECT_FALSE(CpusetSpec::llc(99).check());
  EXPECT_TRUE(CpusetSpec::range(1, 0).check());
}

TEST(CpusetSpec, TextRoundTrip) {
  for (const auto& s : {CpusetSpec::llc(3), CpusetSpec::numa(1), CpusetSpec::range(0.25, 0.75),
                        CpusetSpec::disjoint(1, 4), CpusetSpec::overlap(2, 3, 0.1), CpusetSpec::exact({0, 1, 2, 7})}) {
    EXPECT_EQ(CpusetSpec::parse(s.to_string()), s) << s.to_string();
  }
  EXPECT_EQ(CpusetSpec::parse(" disjoint( 1 , 2 ) "), CpusetSpec::disjoint(1, 2));
  EXPECT_EQ(CpusetSpec::exact({0, 1, 2, 7}).to_string(), "exact(0-2,7)");
  const std::pair<const char*, const char*> bad[] = {
      {"llc", "bad cpuset 'llc': llc takes 1 argument(s)"},
      {"llc(x)", "bad cpuset 'llc(x)': 'x' is not a non-negative integer"},
      {"llc(1,2)", "bad cpuset 'llc(1,2)': llc takes 1 argument(s)"},
      {"range(0.5)", "bad cpuset 'range(0.5)': range takes 2 argument(s)"},
      {"rnage(0,1)", "bad cpuset 'rnage(0,1)': expected llc(i), numa(n), range(a,b)"},
      {"disjoint(1,2", "bad cpuset 'disjoint(1,2': missing ')'"},
      {"exact(3-1)", "bad cpuset 'exact(3-1)': bad CPU list '3-1': range '3-1' runs backwards"},
      {"exact(0,,2)", "bad cpuset 'exact(0,,2)': bad CPU list '0,,2': empty item (a stray ',' or '-'?)"},
      {"(1)", "bad cpuset '(1)': missing name"},
  };
  for (auto [spec, text] : bad) EXPECT_KTSTR_ERROR(CpusetSpec::parse(spec), text) << spec;
  EXPECT_KTSTR_ERROR(CpusetSpec::parse("llc(-1)"), "'-1' is not a non-negative integer");
}
