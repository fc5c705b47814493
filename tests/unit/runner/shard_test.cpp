// Sharding: disjoint and complete for every split; bad variables are errors.
#include <gtest/gtest.h>

#include <set>

#include "runner/shard.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::runner;

TEST(Shard, EverySplitIsDisjointAndComplete) {
  for (size_t count : {0, 1, 5, 17, 64})
    for (size_t total = 1; total <= 7; ++total) {
      std::set<size_t> seen;
      size_t sum = 0;
      for (size_t i = 0; i < total; ++i) {
        auto pos = shard_positions(count, Shard{i, total});
        sum += pos.size();
        seen.insert(pos.begin(), pos.end());
        // Balanced to within one.
        EXPECT_LE(pos.size(), count / total + 1);
      }
      EXPECT_EQ(sum, count) << count << " over " << total;  // disjoint
      EXPECT_EQ(seen.size(), count);                       // complete
    }
}

TEST(Shard, FromEnvironmentValues) {
  EXPECT_FALSE(shard_from_env(std::nullopt, std::nullopt));
  auto s = shard_from_env("4", "3");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->total, 4u);
  EXPECT_EQ(s->index, 3u);
  auto msg = [](auto total, auto index) {
    return ktstr::test::error_of([&] { shard_from_env(total, index); });
  };
  EXPECT_EQ(msg("4", std::nullopt), "GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX must be set together");
  EXPECT_EQ(msg("4", "4"), "GTEST_SHARD_INDEX=4 must be below GTEST_TOTAL_SHARDS=4");
  EXPECT_EQ(msg("0", "0"), "GTEST_TOTAL_SHARDS must be at least 1");
  EXPECT_EQ(msg("x", "0"), "GTEST_TOTAL_SHARDS='x' is not a non-negative number");
}
