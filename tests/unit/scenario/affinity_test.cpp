#include "scenario/affinity.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::scenario;
using ktstr::CpuList;

namespace {
const CpuLayout kLayout = CpuLayout::from_name("1n2l4c1t");  // LLCs {0-3}, {4-7}
}

TEST(Affinity, InheritMakesNoCall) { EXPECT_FALSE(resolve_affinity(AffinityKind::inherit(), {0, 1}, kLayout, 0, 1)); }

TEST(Affinity, SingleCpuIsLowestOfPool) {
  EXPECT_EQ(resolve_affinity(AffinityKind::single_cpu(), {5, 3, 6}, kLayout, 0, 1), (CpuList{3}));
}

TEST(Affinity, CrossCgroupIsEveryCpu) {
  EXPECT_EQ(resolve_affinity(AffinityKind::cross_cgroup(), {0}, kLayout, 0, 1), kLayout.all());
}

TEST(Affinity, LlcAlignedPicksTheLlcOverlappingMost) {
  EXPECT_EQ(resolve_affinity(AffinityKind::llc_aligned(), {2, 3, 4, 5, 6}, kLayout, 0, 1), (CpuList{4, 5, 6}));
  EXPECT_EQ(resolve_affinity(AffinityKind::llc_aligned(), {3, 4}, kLayout, 0, 1), (CpuList{3}));  // tie: lower LLC
}

TEST(Affinity, ExactIsIntersectedWithPool) {
  EXPECT_EQ(resolve_affinity(AffinityKind::exact({1, 2, 5}), {0, 1, 2, 3}, kLayout, 0, 1), (CpuList{1, 2}));
  EXPECT_KTSTR_ERROR(resolve_affinity(AffinityKind::exact({6}), {0, 1}, kLayout, 0, 1), "affinity exact(6): none of those CPUs is in the pool 0-1");
}

TEST(Affinity, RandomSubsetIsHalfThePoolDeterministicPerWorker) {
  const CpuList pool{0, 1, 2, 3, 4, 5, 6};
  auto a = resolve_affinity(AffinityKind::random_subset(), pool, kLayout, 0, 42);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size(), 3u);
  EXPECT_TRUE(std::includes(pool.begin(), pool.end(), a->begin(), a->end()));
  EXPECT_EQ(resolve_affinity(AffinityKind::random_subset(), pool, kLayout, 0, 42), a);  // replayable
  bool differs = false;  // and not the same set for every worker
  for (uint32_t w = 1; w < 8; ++w)
    differs |= resolve_affinity(AffinityKind::random_subset(), pool, kLayout, w, 42) != a;
  EXPECT_TRUE(differs);
  EXPECT_EQ(resolve_affinity(AffinityKind::random_subset(), {5}, kLayout, 0, 1), (CpuList{5}));  // never empty
}

TEST(Affinity, EmptyPoolIsAnError) {
  EXPECT_KTSTR_ERROR(resolve_affinity(AffinityKind::single_cpu(), {}, kLayout, 0, 1), "affinity single_cpu: the CPU pool is empty");
}

TEST(Affinity, TextRoundTrip) {
  for (const auto& a : {AffinityKind::inherit(), AffinityKind::random_subset(), AffinityKind::llc_aligned(),
                        AffinityKind::cross_cgroup(), AffinityKind::single_cpu(), AffinityKind::exact({0, 2, 3})})
    EXPECT_EQ(AffinityKind::parse(a.to_string()), a) << a.to_string();
  EXPECT_KTSTR_ERROR(AffinityKind::parse("random"), "bad affinity 'random': expected inherit, random_subset");
  EXPECT_KTSTR_ERROR(AffinityKind::parse("single_cpu(1)"), "bad affinity 'single_cpu(1)': expected inherit");
  EXPECT_KTSTR_ERROR(AffinityKind::parse("exact(5-2)"), "bad affinity 'exact(5-2)': bad CPU list '5-2': range '5-2' runs backwards");
}
