// What a body's ctx.run() calls add up to: the test's options applied to
// each scenario, invalid scenarios failing the test, runs/failures/skips
// merged into one verdict. The executor is replaced by a recorder.
#include <gtest/gtest.h>

#include "testkit/context_base.hpp"

using namespace ktstr;

namespace {

void no_body(Context&) {}

class Recording final : public testkit::ContextBase {
 public:
  Recording(const runner::TestDef& d, std::vector<check::CheckResult> results)
      : ContextBase(d, "ktstr/T.t", {"slow"}, scenario::CpuLayout::from_name("1n2l2c1t"),
                    check::Thresholds{.max_gap_ms = 700}),
        results_(std::move(results)) {}
  bool in_guest() const override { return true; }
  std::vector<scenario::Scenario> seen;
  std::vector<check::Thresholds> thresholds;

 protected:
  guest::ExecOutcome execute(const scenario::Scenario& s, const check::Thresholds& t) override {
    seen.push_back(s);
    thresholds.push_back(t);
    guest::ExecOutcome o;
    o.result = results_.at(seen.size() - 1);
    return o;
  }

 private:
  std::vector<check::CheckResult> results_;
};

runner::TestDef def(TestOptions o) {
  runner::TestDef d;
  d.suite = "T";
  d.name = "t";
  d.options = std::move(o);
  d.body = no_body;
  return d;
}

scenario::Scenario one_group() {
  scenario::Scenario s;
  s.name = "one";
  s.thresholds.max_spread_pct = 50;
  s.steps.push_back({{}, {scenario::CgroupDef::named("cg")}, {}});
  return s;
}

check::CheckResult failed(std::string msg) {
  check::CheckResult r;
  r.fail(check::DetailKind::gap, std::move(msg), "cg");
  return r;
}

}  // namespace

TEST(TestContext, OptionsOverrideTheScenarioAndThresholdsLayerOnTop) {
  auto d = def({.duration = std::chrono::milliseconds(1234), .workers = 3});
  Recording ctx(d, {check::CheckResult::pass()});
  EXPECT_TRUE(ctx.run(one_group()).passed);
  ASSERT_EQ(ctx.seen.size(), 1u);
  EXPECT_EQ(ctx.seen[0].duration, std::chrono::milliseconds(1234));
  EXPECT_EQ(ctx.seen[0].workers_per_cgroup, 3u);
  // base (defaults <- scheduler <- test, from the host) <- the scenario's own
  EXPECT_EQ(ctx.thresholds[0].max_gap_ms, 700u);
  EXPECT_EQ(ctx.thresholds[0].max_spread_pct, 50.0);
  EXPECT_TRUE(ctx.has_flag("slow"));
  EXPECT_FALSE(ctx.has_flag("fast"));
}

TEST(TestContext, AnInvalidScenarioFailsTheTestWithoutRunning) {
  auto d = def({});
  Recording ctx(d, {});
  scenario::Scenario s = one_group();
  s.steps[0].cgroups[0].works.push_back(scenario::Work::of("NoSuchWork"));
  auto r = ctx.run(s);
  EXPECT_FALSE(r.passed);
  EXPECT_TRUE(ctx.seen.empty());
  ASSERT_FALSE(r.details.empty());
  EXPECT_NE(r.details[0].message.find("scenario one is invalid:"), std::string::npos);
  EXPECT_NE(r.details[0].message.find("unknown work type 'NoSuchWork'"), std::string::npos) << r.details[0].message;
  EXPECT_FALSE(ctx.verdict().passed);
}

TEST(TestContext, VerdictMergesRunsFailuresAndSkips) {
  auto d = def({});
  {
    Recording ctx(d, {check::CheckResult::pass(), failed("worker 1 stuck")});
    ctx.run(one_group());
    ctx.run(one_group());
    auto v = ctx.verdict();
    EXPECT_FALSE(v.passed);
    ASSERT_EQ(v.details.size(), 1u);
    EXPECT_EQ(v.details[0].message, "worker 1 stuck");
  }
  {
    // A scenario the layout cannot host is a skip; all skipped = skipped.
    Recording ctx(d, {});
    scenario::Scenario s = one_group();
    s.topology.min_llcs = 4;
    EXPECT_TRUE(ctx.run(s).skipped);
    EXPECT_TRUE(ctx.verdict().skipped);
    EXPECT_TRUE(ctx.verdict().passed);
    ctx.fail("checked by hand");  // a failure next to a skip is a failure
    EXPECT_FALSE(ctx.verdict().skipped);
    EXPECT_FALSE(ctx.verdict().passed);
  }
  {
    Recording ctx(d, {check::CheckResult::pass()});
    ctx.run(one_group());
    ctx.skip("needs a real NUMA machine");  // GTEST_SKIP in the body
    auto v = ctx.verdict();
    EXPECT_TRUE(v.skipped);
    EXPECT_EQ(v.skip_reason, "needs a real NUMA machine");
  }
  {
    Recording ctx(d, {});
    EXPECT_TRUE(ctx.verdict().passed);  // a body that ran nothing and failed nothing
    EXPECT_FALSE(ctx.verdict().skipped);
    auto r = ctx.run("no_such_canned_scenario");
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.details.at(0).message, "unknown canned scenario 'no_such_canned_scenario' (see `ktstr list`)");
  }
}
