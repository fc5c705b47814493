#include "stats/policy.hpp"

#include <gtest/gtest.h>

#include "support/ktstr_test_support.hpp"

#include <filesystem>
#include <fstream>

#include "util/error.hpp"

namespace ktstr::stats {
namespace {

std::string policy_error(const std::string& text) {
  return ktstr::test::error_of([&] { parse_policy(text, "p.toml"); });
}

const Gate& gate(const std::vector<Gate>& gs, const std::string& name) {
  for (const auto& g : gs)
    if (g.metric.name == name) return g;
  throw std::runtime_error("no gate " + name);
}

TEST(Policy, DefaultsAndEmulationAllowance) {
  auto native = resolve_gates(Policy{}, false);
  ASSERT_EQ(native.size(), metric_defs().size());
  EXPECT_EQ(gate(native, "worst_gap_ms").metric.abs_gate, 500);
  auto tcg = resolve_gates(Policy{}, true);
  // Wall-clock metrics widen under emulation; counts do not.
  EXPECT_EQ(gate(tcg, "worst_gap_ms").metric.abs_gate, 500 * kEmulationAbsFactor);
  EXPECT_EQ(gate(tcg, "worst_gap_ms").metric.rel_gate, 0.50);
  EXPECT_EQ(gate(tcg, "worst_gap_ms").metric.fold_gate, kEmulationFold);
  EXPECT_EQ(gate(native, "worst_gap_ms").metric.fold_gate, 0);
  EXPECT_EQ(gate(tcg, "stall_count").metric.fold_gate, 0);
  EXPECT_EQ(gate(tcg, "stall_count").metric.abs_gate, 1);
  Policy off;
  off.emulation_allowance = false;
  EXPECT_EQ(gate(resolve_gates(off, true), "worst_gap_ms").metric.abs_gate, 500);
}

TEST(Policy, OverridesAndDisables) {
  auto p = parse_policy(
      "emulation_allowance = true\n"
      "[worst_spread]\nabs = 8\nrel = 0.3\n"
      "[stall_count]\nenabled = false\n",
      "p.toml");
  auto gs = resolve_gates(p, true);
  // An explicit value is never widened.
  EXPECT_EQ(gate(gs, "worst_spread").metric.abs_gate, 8);
  EXPECT_EQ(gate(gs, "worst_spread").metric.rel_gate, 0.3);
  EXPECT_FALSE(gate(gs, "stall_count").enabled);
  EXPECT_TRUE(gate(gs, "worst_gap_ms").enabled);
}

TEST(Policy, BadFilesNameTheKey) {
  EXPECT_EQ(policy_error("[worst_sprad]\nabs = 1\n"),
            "policy p.toml: unknown metric 'worst_sprad' (known: emulation_allowance, worst_spread, worst_gap_ms, "
            "total_migrations, worst_migration_ratio, max_imbalance_ratio, max_dsq_depth, stall_count, "
            "total_fallback, total_keep_last, worst_p99_wake_latency_us, worst_median_wake_latency_us, "
            "worst_wake_latency_cv, total_iterations, worst_mean_run_delay_us, worst_run_delay_us)");
  EXPECT_EQ(policy_error("[worst_spread]\nabsolute = 1\n"),
            "policy p.toml: unknown key 'worst_spread.absolute' (a metric takes abs, rel, enabled)");
  EXPECT_EQ(policy_error("[worst_spread]\nabs = \"five\"\n"), "policy p.toml: worst_spread.abs must be a non-negative number");
  EXPECT_EQ(policy_error("[worst_spread]\nrel = -0.1\n"), "policy p.toml: worst_spread.rel must be a non-negative number");
  EXPECT_EQ(policy_error("[stall_count]\nenabled = 1\n"), "policy p.toml: stall_count.enabled must be true or false");
  EXPECT_EQ(policy_error("worst_spread = 5\n"),
            "policy p.toml: 'worst_spread' must be a table ([worst_spread] with abs, rel, enabled)");
  EXPECT_EQ(policy_error("emulation_allowance = \"yes\"\n"), "policy p.toml: emulation_allowance must be true or false");
  EXPECT_TRUE(policy_error("[worst_spread\nabs = 1\n").starts_with("policy p.toml: line 1: ")) << policy_error("[worst_spread\n");
}

TEST(Policy, MissingFile) {
  try {
    load_policy("/nonexistent/policy.toml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "policy /nonexistent/policy.toml: no such file");
  }
}

}  // namespace
}  // namespace ktstr::stats
