// Filters that name variants with '-' in them keep working.
#include <gtest/gtest.h>

#include "testkit/gtest_filter.hpp"

using namespace ktstr::testkit;

namespace {
const std::vector<std::string> kNames = {
    "ktstr/Fixture.Steady",
    "gauntlet/Fixture.Steady/tiny-2llc/default",
    "gauntlet/Fixture.Steady/tiny-2llc/slow+short-timeout",
    "gauntlet/Fixture.Steady/odd-3llc/default",
};
}

TEST(GtestFilter, ExactVariantNamesAsCtestPassesThem) {
  EXPECT_EQ(protect_names_in_filter("gauntlet/Fixture.Steady/tiny-2llc/slow+short-timeout", kNames),
            "gauntlet/Fixture.Steady/tiny?2llc/slow+short?timeout");
  EXPECT_EQ(protect_names_in_filter("ktstr/Fixture.Steady:gauntlet/Fixture.Steady/odd-3llc/default", kNames),
            "ktstr/Fixture.Steady:gauntlet/Fixture.Steady/odd?3llc/default");
}

TEST(GtestFilter, NegativePatternsKeepTheirMeaning) {
  EXPECT_EQ(protect_names_in_filter("*-*Slow*", kNames), "*-*Slow*");
  EXPECT_EQ(protect_names_in_filter("*-gauntlet/*/tiny-2llc/*", kNames), "*-gauntlet/*/tiny?2llc/*");
  // A '-' between name characters that names nothing stays a separator.
  EXPECT_EQ(protect_names_in_filter("Suite.A-Suite.B", kNames), "Suite.A-Suite.B");
  EXPECT_EQ(protect_names_in_filter("", kNames), "");
}

TEST(GtestFilter, GlobMatchesLikeGoogleTest) {
  EXPECT_TRUE(glob_match("gauntlet/*/tiny?2llc/*", "gauntlet/Fixture.Steady/tiny-2llc/default"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("a?c", "ac"));
  EXPECT_TRUE(glob_match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(glob_match("a*b*c", "axxbyy"));
}
