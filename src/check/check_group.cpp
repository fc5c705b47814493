#include "check/worker_checks.hpp"

namespace ktstr::check {

CheckResult check_group(const GroupInput& g, const Thresholds& t) {
  CheckResult r;
  if (t.starvation.value_or(false)) r.fail_all(check_starvation(g));
  if (t.max_spread_pct) r.fail_all(check_fairness(g, *t.max_spread_pct));
  if (t.max_gap_ms) r.fail_all(check_gaps(g, *t.max_gap_ms));
  if (t.isolation.value_or(false)) r.fail_all(check_isolation(g));
  if (t.max_throughput_cv || t.min_work_rate) r.fail_all(check_throughput(g, t.max_throughput_cv, t.min_work_rate));
  if (t.max_p99_wake_latency_us || t.max_wake_latency_cv)
    r.fail_all(check_wake_latency(g, t.max_p99_wake_latency_us, t.max_wake_latency_cv));
  if (t.min_iteration_rate) r.fail_all(check_iteration_rate(g, *t.min_iteration_rate));
  if (t.max_migration_ratio) r.fail_all(check_migration_ratio(g, *t.max_migration_ratio));
  if (t.min_page_locality || t.max_cross_node_migration_ratio || t.max_slow_tier_ratio) r.fail_all(check_numa(g, t));
  r.stats.add(summarize(g));
  return r;
}

CheckResult check_groups(const std::vector<GroupInput>& groups, const Thresholds& t) {
  CheckResult r;
  for (const auto& g : groups) r.merge(check_group(g, t));
  return r;
}

}  // namespace ktstr::check
