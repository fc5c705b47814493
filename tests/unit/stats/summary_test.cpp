#include "stats/summary.hpp"

#include <gtest/gtest.h>

#include "unit/stats/records.hpp"

namespace ktstr::stats {
namespace {
using testing::Rec;

std::vector<nlohmann::json> run_records() {
  std::vector<nlohmann::json> out;
  // Ten ordinary records and one whose gap is far out.
  for (int i = 0; i < 11; ++i) {
    Rec r;
    r.test = "t" + std::to_string(i);
    r.topology = i % 2 ? "1n2l2c1t" : "1n1l2c1t";
    r.stats = {{"worst_gap_ms", i == 7 ? 2000.0 : 100.0 + i}, {"total_iterations", 1000.0}};
    out.push_back(r.json());
  }
  Rec skip;
  skip.test = "skipped";
  skip.verdict = "SKIP";
  out.push_back(skip.json());
  return out;
}

TEST(Summary, MeanSdGroupsAndOutliers) {
  auto s = summarize_run("r1", run_records());
  EXPECT_EQ(s.records, 12u);
  EXPECT_EQ(s.passed, 11u);
  EXPECT_EQ(s.skipped, 1u);
  const auto& all = s.groups.front();
  EXPECT_EQ(all.by, "all");
  const MetricSummary* gap = nullptr;
  for (const auto& m : all.metrics)
    if (m.name == "worst_gap_ms") gap = &m;
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->n, 11u);
  double mean = (2000.0 + 10 * 100 + (0 + 1 + 2 + 3 + 4 + 5 + 6 + 8 + 9 + 10)) / 11;
  EXPECT_NEAR(gap->mean, mean, 1e-9);
  EXPECT_GT(gap->sd, 500);
  // Constant metric: no sd, no outliers.
  ASSERT_EQ(s.outliers.size(), 1u);
  EXPECT_EQ(s.outliers[0].test, "t7");
  EXPECT_EQ(s.outliers[0].metric, "worst_gap_ms");
  EXPECT_EQ(s.outliers[0].value, 2000);
  // Grouped by test (each its own) and by topology (two values); work
  // type has one value and is left out.
  size_t by_topo = 0, by_wt = 0;
  for (const auto& g : s.groups) {
    by_topo += g.by == "topology";
    by_wt += g.by == "work_type";
  }
  EXPECT_EQ(by_topo, 2u);
  EXPECT_EQ(by_wt, 0u);
  auto j = s.to_json();
  EXPECT_EQ(j["outliers"][0]["test"], "t7");
  auto text = format_summary(s, false);
  EXPECT_NE(text.find("outliers (beyond mean +/- 2 sd of the run): 1"), std::string::npos) << text;
  EXPECT_NE(text.find("t7"), std::string::npos) << text;
}

TEST(Summary, HigherIsBetterOutliersAreLow) {
  std::vector<nlohmann::json> recs;
  for (int i = 0; i < 11; ++i) {
    Rec r;
    r.test = "t" + std::to_string(i);
    r.stats = {{"total_iterations", i == 3 ? 10.0 : 10000.0 + i}};
    recs.push_back(r.json());
  }
  auto s = summarize_run("r", recs);
  ASSERT_EQ(s.outliers.size(), 1u);
  EXPECT_EQ(s.outliers[0].test, "t3");
}

}  // namespace
}  // namespace ktstr::stats
