#include "stats/compare.hpp"

#include <gtest/gtest.h>

#include "support/ktstr_test_support.hpp"

#include "unit/stats/records.hpp"
#include "util/error.hpp"

namespace ktstr::stats {
namespace {
using testing::Rec;

const MetricDef& def(const std::string& n) { return *find_metric(n); }

TEST(Judge, BothGatesMustPass) {
  // worst_spread: abs 5, rel 25 %.
  EXPECT_EQ(judge(def("worst_spread"), 3.1, 9.0).verdict, "regression");          // +5.9, +190 %
  EXPECT_EQ(judge(def("worst_spread"), 30, 34).verdict, "unchanged");             // rel 13 % fails
  EXPECT_EQ(judge(def("worst_spread"), 1, 4).verdict, "unchanged");               // abs 3 fails
  EXPECT_EQ(judge(def("worst_spread"), 20, 10).verdict, "improvement");
  EXPECT_EQ(judge(def("worst_spread"), 20, 25).verdict, "regression");            // exactly both gates
  // Higher is better: fewer iterations is the regression.
  EXPECT_EQ(judge(def("total_iterations"), 10000, 8000).verdict, "regression");
  EXPECT_EQ(judge(def("total_iterations"), 10000, 12000).verdict, "improvement");
  EXPECT_EQ(judge(def("total_iterations"), 10000, 10500).verdict, "unchanged");
  EXPECT_EQ(judge(def("total_iterations"), 500, 450).verdict, "unchanged");       // -10 % but only 50
  EXPECT_EQ(judge(def("stall_count"), 0, 0).verdict, "unchanged");
  EXPECT_EQ(judge(def("worst_gap_ms"), 100, std::nullopt).verdict, "missing");
  EXPECT_EQ(judge(def("worst_gap_ms"), std::nullopt, 100).verdict, "missing");
}

TEST(Judge, FromZero) {
  auto v = judge(def("stall_count"), 0, 2);
  EXPECT_EQ(v.verdict, "regression");
  EXPECT_FALSE(v.relative);  // infinite: null in JSON
  EXPECT_EQ(*v.delta, 2);
  EXPECT_EQ(judge(def("stall_count"), 0, 0.5).verdict, "unchanged");  // below the absolute gate
  auto r = judge(def("worst_spread"), 3.1, 9.0);
  EXPECT_NEAR(*r.relative, 5.9 / 3.1, 1e-9);
}

Rec rec(std::string run, std::string test, std::string flags, double spread, double iters) {
  Rec r;
  r.run = std::move(run);
  r.test = std::move(test);
  r.flags = std::move(flags);
  r.emulated = false;
  r.stats = {{"worst_spread", spread}, {"total_iterations", iters}, {"worst_gap_ms", 100}};
  r.mon = {{"stall_count", 0}};
  return r;
}

TEST(Compare, PairsAcrossTheDifferingDimensionAndAverages) {
  // Run A: default flags, steady twice (repetitions); run B: slow flags.
  std::vector<nlohmann::json> a = {rec("r1", "steady", "default", 2, 10000).json(),
                                   rec("r1", "steady", "default", 4, 12000).json(),
                                   rec("r1", "oversubscribed", "default", 10, 5000).json()};
  std::vector<nlohmann::json> b = {rec("r2", "steady", "slow", 12, 8000).json(),
                                   rec("r2", "oversubscribed", "slow", 11, 5000).json(),
                                   rec("r2", "cgroup_add", "slow", 1, 1).json()};
  auto c = compare(a, b, store::Selector::parse("run=r1"), store::Selector::parse("run=r2"), Policy{});
  // flags is uniform on each side and differs: not part of the key.
  EXPECT_EQ(c.compared, (std::vector<std::string>{"flags", "commit"}));
  ASSERT_EQ(c.pairs.size(), 2u);
  const Pair* steady = nullptr;
  for (const auto& p : c.pairs)
    if (p.key["test"] == "steady") steady = &p;
  ASSERT_TRUE(steady);
  EXPECT_EQ(steady->a_n, 2u);
  EXPECT_EQ(steady->b_n, 1u);
  EXPECT_FALSE(steady->key.contains("flags"));
  EXPECT_FALSE(steady->key.contains("commit"));
  EXPECT_EQ(steady->key["topology"], "1n2l2c1t");
  std::map<std::string, MetricVerdict> m;
  for (const auto& v : steady->metrics) m[v.name] = v;
  EXPECT_EQ(*m["worst_spread"].a, 3);  // mean of 2 and 4
  EXPECT_EQ(m["worst_spread"].verdict, "regression");
  EXPECT_EQ(*m["total_iterations"].a, 11000);
  EXPECT_EQ(m["total_iterations"].verdict, "regression");
  EXPECT_EQ(m["worst_gap_ms"].verdict, "unchanged");
  EXPECT_EQ(m["max_dsq_depth"].verdict, "missing");
  EXPECT_EQ(c.regressions, 2);
  EXPECT_EQ(c.improvements, 0);
  ASSERT_EQ(c.unpaired_b.size(), 1u);
  EXPECT_EQ(c.unpaired_b[0]["test"], "cgroup_add");
  EXPECT_TRUE(c.unpaired_a.empty());

  auto j = c.to_json();
  EXPECT_EQ(j["a"]["selector"], "run=r1");
  EXPECT_EQ(j["a"]["records"], 3);
  EXPECT_EQ(j["regressions"], 2);
  EXPECT_EQ(j["unpaired"]["b"][0]["test"], "cgroup_add");
  const auto& jm = j["pairs"][0]["metrics"][0];
  for (const char* k : {"name", "a", "b", "delta", "relative", "abs_gate", "rel_gate", "higher_is_better", "verdict"})
    EXPECT_TRUE(jm.contains(k)) << k;
  EXPECT_TRUE(j["pairs"][0].contains("a_n"));
}

TEST(Compare, NamedDimensionIsLeftOutEvenIfMixed) {
  auto x = rec("r1", "steady", "default", 2, 10000);
  auto y = rec("r1", "steady", "default", 2, 10000);
  y.scheduler = "eevdf";
  auto c = compare({x.json()}, {y.json()}, store::Selector::parse("scheduler=ktstr_fixture"), store::Selector::parse("scheduler=eevdf"),
                   Policy{});
  EXPECT_EQ(c.compared, (std::vector<std::string>{"scheduler", "commit"}));
  EXPECT_EQ(c.regressions, 0);
  ASSERT_EQ(c.pairs.size(), 1u);
}

TEST(Compare, PolicyDisablesAndEmulationWidens) {
  auto a = rec("r1", "steady", "default", 2, 10000);
  auto b = rec("r2", "steady", "default", 2, 10000);
  b.stats["worst_gap_ms"] = 700;  // +600 ms: over 500, under 1000
  auto c = compare({a.json()}, {b.json()}, store::Selector::parse("run=r1"), store::Selector::parse("run=r2"), Policy{});
  EXPECT_EQ(c.regressions, 1);
  EXPECT_FALSE(c.emulated);
  a.emulated = b.emulated = true;
  c = compare({a.json()}, {b.json()}, store::Selector::parse("run=r1"), store::Selector::parse("run=r2"), Policy{});
  EXPECT_TRUE(c.emulated);
  EXPECT_EQ(c.regressions, 0);
  // Under emulation a 4x change passing the widened absolute gate is still noise; 5x is not.
  a.stats["worst_gap_ms"] = 1000;
  b.stats["worst_gap_ms"] = 4000;
  c = compare({a.json()}, {b.json()}, store::Selector::parse("run=r1"), store::Selector::parse("run=r2"), Policy{});
  EXPECT_EQ(c.regressions, 0);
  b.stats["worst_gap_ms"] = 5000;
  c = compare({a.json()}, {b.json()}, store::Selector::parse("run=r1"), store::Selector::parse("run=r2"), Policy{});
  EXPECT_EQ(c.regressions, 1);
  EXPECT_EQ(c.to_json()["pairs"][0]["metrics"][1]["fold_gate"], kEmulationFold);
  a.stats["worst_gap_ms"] = 100;
  Policy p;
  p.metrics["worst_gap_ms"].enabled = false;
  a.emulated = b.emulated = false;
  c = compare({a.json()}, {b.json()}, store::Selector::parse("run=r1"), store::Selector::parse("run=r2"), p);
  EXPECT_EQ(c.regressions, 0);
  for (const auto& m : c.pairs[0].metrics) EXPECT_NE(m.name, "worst_gap_ms");
}

using ktstr::test::error_of;

TEST(Compare, EmptySidesAndNothingToPairAreErrors) {
  auto a = rec("r1", "steady", "default", 2, 10000).json();
  auto skipped = rec("r2", "steady", "default", 2, 10000);
  skipped.verdict = "SKIP";
  auto sa = store::Selector::parse("run=r1"), sb = store::Selector::parse("run=r2");
  EXPECT_EQ(error_of([&] { compare({a}, {}, sa, sb, Policy{}); }),
            "side B (run=r2) selects no record that ran (see `ktstr stats list`)");
  EXPECT_EQ(error_of([&] { compare({}, {a}, sa, sb, Policy{}); }),
            "side A (run=r1) selects no record that ran (see `ktstr stats list`)");
  EXPECT_EQ(error_of([&] { compare({a}, {skipped.json()}, sa, sb, Policy{}); }),
            "side B (run=r2) selects no record that ran (see `ktstr stats list`)");
  auto other = rec("r2", "oversubscribed", "default", 2, 10000).json();
  EXPECT_EQ(error_of([&] { compare({a}, {other}, sa, sb, Policy{}); }),
            "nothing to pair: side A (run=r1, 1 record(s)) and side B (run=r2, 1 record(s)) share no identity "
            "(pairing on test, variant, topology, scheduler, flags, kernel, vmm, work_type; e.g. A has 'steady "
            "1n2l2c1t ktstr_fixture default 6.12.0 qemu', B has 'oversubscribed 1n2l2c1t ktstr_fixture default "
            "6.12.0 qemu')");
}

TEST(Compare, TableShowsVerdictsAndColoursOnlyWhenAsked) {
  auto a = rec("r1", "steady", "default", 2, 10000);
  auto b = rec("r2", "steady", "default", 12, 10000);
  auto c = compare({a.json()}, {b.json()}, store::Selector::parse("run=r1"), store::Selector::parse("run=r2"), Policy{});
  auto plain = format_comparison(c, false);
  EXPECT_NE(plain.find("worst_spread"), std::string::npos) << plain;
  EXPECT_NE(plain.find("+500.0%"), std::string::npos) << plain;
  EXPECT_NE(plain.find("regression"), std::string::npos) << plain;
  EXPECT_NE(plain.find("1 pair(s): 1 regression(s), 0 improvement(s)"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("\033["), std::string::npos);
  EXPECT_NE(format_comparison(c, true).find("\033[1;31mregression"), std::string::npos);
}

}  // namespace
}  // namespace ktstr::stats
