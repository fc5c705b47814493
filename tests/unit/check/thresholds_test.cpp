#include "check/thresholds.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::check;

TEST(Thresholds, DefaultsFollowBuildFlavor) {
  auto opt = Thresholds::defaults(BuildFlavor::optimized);
  EXPECT_EQ(opt.starvation, true);
  EXPECT_EQ(opt.max_spread_pct, 15.0);
  EXPECT_EQ(opt.max_gap_ms, 2000u);
  EXPECT_EQ(opt.isolation, false);
  EXPECT_FALSE(opt.max_throughput_cv);
  EXPECT_FALSE(opt.max_p99_wake_latency_us);
  EXPECT_EQ(opt.max_imbalance_ratio, 4.0);
  EXPECT_EQ(opt.max_local_dsq_depth, 50u);
  EXPECT_EQ(opt.sustained_samples, 5u);
  EXPECT_EQ(opt.max_fallback_rate, 200.0);
  EXPECT_EQ(opt.max_keep_last_rate, 100.0);
  EXPECT_EQ(opt.work_conservation, true);  // ktstr's own monitor check, on by default

  auto dbg = Thresholds::defaults(BuildFlavor::debug);
  EXPECT_EQ(dbg.max_spread_pct, 35.0);
  EXPECT_EQ(dbg.max_gap_ms, 3000u);
}

TEST(Thresholds, LaterLayersOverrideOnlyWhatTheySet) {
  Thresholds sched;
  sched.max_gap_ms = 5000;
  sched.max_migration_ratio = 0.5;
  sched.isolation = true;
  Thresholds test;
  test.max_migration_ratio = 0.1;
  test.min_iteration_rate = 10;

  auto t = Thresholds::layered(sched, test, BuildFlavor::optimized);
  EXPECT_EQ(t.starvation, true);          // default, nobody touched it
  EXPECT_EQ(t.max_spread_pct, 15.0);      // default
  EXPECT_EQ(t.max_gap_ms, 5000u);         // scheduler
  EXPECT_EQ(t.isolation, true);           // scheduler
  EXPECT_EQ(t.max_migration_ratio, 0.1);  // test beats scheduler
  EXPECT_EQ(t.min_iteration_rate, 10.0);  // test
  EXPECT_FALSE(t.max_wake_latency_cv);    // still unset = off
}

TEST(Thresholds, BooleanLayerCanSwitchADefaultOff) {
  Thresholds test;
  test.starvation = false;
  EXPECT_EQ(Thresholds::layered({}, test, BuildFlavor::debug).starvation, false);
}

TEST(Thresholds, JsonHoldsOnlySetKnobs) {
  Thresholds t;
  t.max_gap_ms = 2500;
  t.isolation = true;
  t.max_wake_latency_cv = 0.5;
  auto j = t.to_json();
  EXPECT_EQ(j, (nlohmann::json{{"max_gap_ms", 2500}, {"isolation", true}, {"max_wake_latency_cv", 0.5}}));
  EXPECT_EQ(Thresholds::from_json(j), t);
  EXPECT_TRUE(Thresholds::from_json(nlohmann::json::object()).empty());
  auto d = Thresholds::defaults(BuildFlavor::optimized);
  EXPECT_EQ(Thresholds::from_json(d.to_json()), d);
}

TEST(Thresholds, JsonRejectsTyposAndWrongTypes) {
  using nlohmann::json;
  EXPECT_KTSTR_ERROR(Thresholds::from_json(json{{"max_gap", 1}}), "unknown knob 'max_gap'");
  EXPECT_KTSTR_ERROR(Thresholds::from_json(json{{"max_gap_ms", "1"}}), "threshold 'max_gap_ms': expected a non-negative integer, got \"1\"");
  EXPECT_KTSTR_ERROR(Thresholds::from_json(json{{"max_gap_ms", -1}}), "threshold 'max_gap_ms': expected a non-negative integer, got -1");
  EXPECT_KTSTR_ERROR(Thresholds::from_json(json{{"isolation", 1}}), "threshold 'isolation': expected true/false, got 1");
  EXPECT_KTSTR_ERROR(Thresholds::from_json(json{{"max_local_dsq_depth", 1ull << 40}}), "threshold 'max_local_dsq_depth': 1099511627776 is too large");
  EXPECT_KTSTR_ERROR(Thresholds::from_json(json::array()), "thresholds: expected a JSON object, got []");
  EXPECT_EQ(ktstr::test::error_of([&] { Thresholds::from_json(json{{"max_spread", 3}}); }), "thresholds: unknown knob 'max_spread'");
  // An integer is a fine double; null is unset.
  EXPECT_EQ(Thresholds::from_json(json{{"max_spread_pct", 20}}).max_spread_pct, 20.0);
  EXPECT_FALSE(Thresholds::from_json(json{{"max_spread_pct", nullptr}}).max_spread_pct);
}

TEST(Thresholds, DescribeListsEveryKnob) {
  auto text = Thresholds::defaults(BuildFlavor::optimized).describe();
  EXPECT_NE(text.find("  max_gap_ms:                      2000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  max_throughput_cv:               unset\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  starvation:                      true\n"), std::string::npos) << text;
}
