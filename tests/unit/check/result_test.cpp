#include "check/result.hpp"

#include <gtest/gtest.h>

#include "check/result_json.hpp"
#include "check/worker_checks.hpp"
#include "unit/check/builders.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::check;
using test::group;
using test::healthy;

TEST(CheckResult, MergeRules) {
  auto failed = CheckResult::pass();
  failed.fail(DetailKind::gap, "stuck", "cg_0");
  auto skip = CheckResult::skip("needs 2 LLCs");

  auto a = merge_results({CheckResult::pass(), failed});
  EXPECT_FALSE(a.passed);
  EXPECT_FALSE(a.skipped);
  EXPECT_EQ(a.details.size(), 1u);

  auto b = merge_results({skip, CheckResult::skip("other")});
  EXPECT_TRUE(b.skipped);
  EXPECT_EQ(b.skip_reason, "needs 2 LLCs");

  auto c = merge_results({skip, CheckResult::pass()});  // something ran
  EXPECT_FALSE(c.skipped);
  EXPECT_TRUE(c.passed);
  EXPECT_TRUE(c.skip_reason.empty());

  EXPECT_TRUE(merge_results({}).passed);
  EXPECT_FALSE(merge_results({skip, failed}).passed);
}

TEST(ResultJson, RoundTrip) {
  auto g = group({healthy(0), healthy(1)});
  g.workers[0].work_units = 0;
  g.workers[1].wake_latencies_ns = {1000, 5000};
  g.expected_nodes = {0};
  g.workers[1].numa_pages = {3, 1};
  auto r = check_group(g, Thresholds::defaults(BuildFlavor::optimized));
  r.fail(DetailKind::scheduler, "scheduler exited: error");

  nlohmann::json j = r;
  EXPECT_EQ(j["details"][0]["kind"], "starvation");
  EXPECT_EQ(j["stats"]["total_workers"], 2);
  EXPECT_EQ(j["stats"]["cgroups"][0]["page_locality"], 0.75);
  EXPECT_FALSE(j["details"][1].contains("cgroup"));
  auto back = nlohmann::json::parse(j.dump()).get<CheckResult>();
  EXPECT_EQ(back, r);

  auto skipped = CheckResult::skip("why");
  EXPECT_EQ(nlohmann::json(skipped).get<CheckResult>(), skipped);
}

TEST(ResultJson, LenientAboutMissingKeysStrictAboutShape) {
  auto r = nlohmann::json{{"passed", false}, {"details", {{{"kind", "from_the_future"}, {"message", "m"}}}}}
               .get<CheckResult>();
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].kind, DetailKind::other);
  EXPECT_KTSTR_ERROR(nlohmann::json::array().get<CheckResult>(), "check result: expected a JSON object, got []");
}

TEST(ResultJson, RollUpsAreRecomputedOnParse) {
  nlohmann::json j = {{"passed", true},
                      {"stats", {{"worst_spread", 99}, {"cgroups", {{{"cgroup", "cg_0"}, {"spread_pct", 7.5}}}}}}};
  auto r = j.get<CheckResult>();
  EXPECT_EQ(r.stats.worst_spread, 7.5);
}
