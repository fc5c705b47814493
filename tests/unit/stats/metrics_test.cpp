#include "stats/metrics.hpp"

#include <gtest/gtest.h>

#include "unit/stats/records.hpp"

namespace ktstr::stats {
namespace {
using testing::Rec;

TEST(Metrics, DefaultGatesMatchProduct) {
  ASSERT_EQ(metric_defs().size(), 15u);
  const auto* s = find_metric("worst_spread");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->abs_gate, 5);
  EXPECT_EQ(s->rel_gate, 0.25);
  EXPECT_FALSE(s->higher_is_better);
  const auto* it = find_metric("total_iterations");
  ASSERT_TRUE(it);
  EXPECT_TRUE(it->higher_is_better);
  EXPECT_EQ(it->abs_gate, 100);
  EXPECT_EQ(it->rel_gate, 0.10);
  EXPECT_EQ(find_metric("worst_run_delay_us")->abs_gate, 100);
  EXPECT_EQ(find_metric("worst_run_delay_us")->rel_gate, 0.50);
  EXPECT_EQ(find_metric("bogus"), nullptr);
}

TEST(Metrics, ExtractsStatsAndMonitorSummary) {
  Rec r;
  r.stats = {{"worst_spread", 3.5}, {"worst_gap_ms", 120}, {"total_iterations", 5000}, {"worst_run_delay_us", 900}};
  r.mon = {{"max_imbalance_ratio", 2.0}, {"max_dsq_depth", 4}, {"stall_count", 0}, {"total_keep_last", 12}};
  auto m = extract_metrics(r.json());
  EXPECT_EQ(m.at("worst_spread"), 3.5);
  EXPECT_EQ(m.at("worst_gap_ms"), 120);
  EXPECT_EQ(m.at("total_iterations"), 5000);
  EXPECT_EQ(m.at("max_imbalance_ratio"), 2.0);
  EXPECT_EQ(m.at("max_dsq_depth"), 4);
  EXPECT_EQ(m.at("stall_count"), 0);
  EXPECT_EQ(m.at("total_keep_last"), 12);
  // Not in the record: absent, not zero.
  EXPECT_FALSE(m.count("total_fallback"));
  // The `result` alone (ScenarioVerdict::to_json()) works the same.
  EXPECT_EQ(extract_metrics(r.json()["result"]), m);
}

TEST(Metrics, WakeLatencyOnlyWithSamples) {
  Rec r;
  r.stats = {{"worst_p99_wake_latency_us", 0}, {"worst_median_wake_latency_us", 0}, {"worst_wake_latency_cv", 0}};
  EXPECT_FALSE(extract_metrics(r.json()).count("worst_p99_wake_latency_us"));
  r.wake_samples = 40;
  r.stats["worst_p99_wake_latency_us"] = 310;
  auto m = extract_metrics(r.json());
  EXPECT_EQ(m.at("worst_p99_wake_latency_us"), 310);
  EXPECT_TRUE(m.count("worst_wake_latency_cv"));
}

TEST(Metrics, SchedExtCountersOnlyUnderSchedExt) {
  Rec r;
  r.judged = false;  // EEVDF: no local DSQ, no sched_ext event counters
  r.mon = {{"max_imbalance_ratio", 1.5}, {"max_dsq_depth", 0}, {"total_fallback", 0}, {"total_keep_last", 0}};
  auto m = extract_metrics(r.json());
  EXPECT_TRUE(m.count("max_imbalance_ratio"));
  EXPECT_FALSE(m.count("max_dsq_depth"));
  EXPECT_FALSE(m.count("total_fallback"));
  EXPECT_FALSE(m.count("total_keep_last"));
}

TEST(Metrics, NothingFromSkippedOrCrashedOrUnmonitored) {
  Rec skip;
  skip.verdict = "SKIP";
  skip.stats = {{"worst_spread", 1}};
  skip.monitor = false;
  EXPECT_TRUE(extract_metrics(skip.json()).empty());

  Rec crashed;  // a VM that died before the guest reported: no work groups
  crashed.monitor = false;
  auto j = crashed.json();
  j["result"]["result"]["stats"] = {{"cgroups", nlohmann::json::array()}, {"worst_spread", 0}};
  EXPECT_TRUE(extract_metrics(j).empty());

  Rec unavailable;
  unavailable.mon = {{"max_imbalance_ratio", 3}};
  j = unavailable.json();
  j["result"]["monitor"]["available"] = false;
  EXPECT_FALSE(extract_metrics(j).count("max_imbalance_ratio"));

  EXPECT_TRUE(extract_metrics(nlohmann::json::array()).empty());
  EXPECT_TRUE(extract_metrics(nlohmann::json("x")).empty());
}

}  // namespace
}  // namespace ktstr::stats
