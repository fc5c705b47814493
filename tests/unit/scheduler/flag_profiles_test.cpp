// Profile expansion, constraints, --flags parsing, args and test names.
#include "scheduler/flag_profiles.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::scheduler;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

// a, b; c requires b; d requires c (a chain); f is a fault needing a.
SchedulerDef chain() {
  SchedulerDef d;
  d.name = "chain";
  d.binary = "scx_chain";
  d.args = {"--base"};
  d.flags = {
      {"a", {"-a"}, {}, false, ""},
      {"b", {"-b", "1"}, {}, false, ""},
      {"c", {"-c"}, {"b"}, false, ""},
      {"d", {"-d"}, {"c"}, false, ""},
      {"f", {"--fault"}, {"a"}, true, ""},
  };
  d.validate();
  return d;
}

std::vector<std::string> names(const std::vector<Profile>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.name());
  return out;
}

using ktstr::test::error_of;

}  // namespace

TEST(Profiles, NoFlagsIsJustDefault) {
  SchedulerDef d;
  d.name = "plain";
  d.binary = "x";
  EXPECT_THAT(names(expand_profiles(d)), ElementsAre("default"));
  EXPECT_EQ(Profile{}.name(), "default");
}

TEST(Profiles, EverySubsetClosedUnderRequiresBySizeThenDefinitionOrder) {
  // Of the 16 subsets of {a,b,c,d}, those where c implies b and d implies c.
  EXPECT_THAT(names(expand_profiles(chain())),
              ElementsAre("default", "a", "b", "a+b", "b+c", "a+b+c", "b+c+d", "a+b+c+d"));
}

TEST(Profiles, FaultFlagsAreNeverExpandedUnlessRequired) {
  for (const auto& p : expand_profiles(chain())) EXPECT_FALSE(p.has("f")) << p.name();
  // Required: f pulls in a; the optional rest expands around it.
  EXPECT_THAT(names(expand_profiles(chain(), {.required = {"f"}})),
              ElementsAre("a+f", "a+b+f", "a+b+c+f", "a+b+c+d+f"));
}

TEST(Profiles, RequiredFlagPullsInItsChain) {
  EXPECT_THAT(names(expand_profiles(chain(), {.required = {"d"}})), ElementsAre("b+c+d", "a+b+c+d"));
  EXPECT_EQ(base_profile(chain(), {.required = {"d"}}).name(), "b+c+d");
  EXPECT_EQ(base_profile(chain()).name(), "default");
}

TEST(Profiles, ExcludedFlagDropsEverythingThatNeedsIt) {
  EXPECT_THAT(names(expand_profiles(chain(), {.excluded = {"b"}})), ElementsAre("default", "a"));
  EXPECT_THAT(names(expand_profiles(chain(), {.required = {"a"}, .excluded = {"c"}})), ElementsAre("a", "a+b"));
}

TEST(Profiles, ConstraintErrorsNameTheFlag) {
  EXPECT_THAT(error_of([] { expand_profiles(chain(), {.required = {"zz"}}); }),
              HasSubstr("required flag 'zz' is unknown (known: a, b, c, d, f)"));
  EXPECT_THAT(error_of([] { expand_profiles(chain(), {.excluded = {"zz"}}); }),
              HasSubstr("excluded flag 'zz' is unknown"));
  EXPECT_THAT(error_of([] { expand_profiles(chain(), {.required = {"a"}, .excluded = {"a"}}); }),
              HasSubstr("flag 'a' is both required and excluded"));
  EXPECT_THAT(error_of([] { base_profile(chain(), {.required = {"d"}, .excluded = {"b"}}); }),
              HasSubstr("required flag 'd' needs 'b', which is excluded"));
}

TEST(Profiles, TooManyOptionalFlagsIsAnError) {
  SchedulerDef d;
  d.name = "wide";
  d.binary = "x";
  for (int i = 0; i < 17; ++i) d.flags.push_back({"f" + std::to_string(i), {}, {}, false, ""});
  EXPECT_THAT(error_of([&] { expand_profiles(d); }), HasSubstr("exclude some"));
  EXPECT_EQ(expand_profiles(d, {.excluded = {"f0"}}).size(), 1u << 16);
}

TEST(Profiles, ArgsAreFixedThenFlagsInDefinitionOrder) {
  const auto d = chain();
  EXPECT_THAT(profile_args(d, {}), ElementsAre("--base"));
  // Given out of order, still assembled in definition order.
  EXPECT_THAT(profile_args(d, Profile{{"c", "a", "b"}}), ElementsAre("--base", "-a", "-b", "1", "-c"));
  EXPECT_THAT(error_of([&] { profile_args(d, Profile{{"nope"}}); }), HasSubstr("unknown flag 'nope'"));
}

TEST(FlagSelection, ParsesIntoDefinitionOrder) {
  const auto d = chain();
  EXPECT_EQ(parse_flag_selection(d, "c, b ,a").name(), "a+b+c");
  EXPECT_EQ(parse_flag_selection(d, "a+b").name(), "a+b");  // a pasted profile name
  EXPECT_EQ(parse_flag_selection(d, "a,a").name(), "a");
  EXPECT_EQ(parse_flag_selection(d, "").name(), "default");
  EXPECT_EQ(parse_flag_selection(d, "default").name(), "default");
  EXPECT_EQ(parse_flag_selection(d, "a,f").name(), "a+f");  // faults may be named
}

TEST(FlagSelection, ErrorsListKnownFlagsOrNameTheMissingOne) {
  const auto d = chain();
  // Names the bad flag and lists the known ones; where the text came from
  // (--flags, a gauntlet test name) is the caller's prefix.
  EXPECT_EQ(error_of([&] { parse_flag_selection(d, "a,zz"); }),
            "unknown flag 'zz' for scheduler 'chain' (known: a, b, c, d, f)");
  SchedulerDef plain;
  plain.name = "plain";
  EXPECT_EQ(error_of([&] { parse_flag_selection(plain, "x"); }), "unknown flag 'x' for scheduler 'plain' (it has no flags)");
  EXPECT_THAT(error_of([&] { parse_flag_selection(d, "d,c"); }), HasSubstr("flag 'c' of scheduler 'chain' requires 'b'; add it"));
  EXPECT_THAT(error_of([&] { parse_flag_selection(d, "f"); }), HasSubstr("requires 'a'"));
}

TEST(FlagSelection, CheckedAgainstTheTestsConstraints) {
  const auto d = chain();
  const FlagConstraints c{.required = {"c"}, .excluded = {"a"}};
  EXPECT_NO_THROW(check_profile(d, parse_flag_selection(d, "b,c"), c));
  EXPECT_THAT(error_of([&] { check_profile(d, parse_flag_selection(d, "b"), c); }),
              HasSubstr("requires flag 'c'"));
  EXPECT_THAT(error_of([&] { check_profile(d, parse_flag_selection(d, "a,b,c"), c); }),
              HasSubstr("excludes flag 'a'"));
}
