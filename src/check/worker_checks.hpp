#pragma once
// Worker checks, run per Work group inside the guest. Each check returns the
// failures it found (empty = pass or nothing to judge); check_group runs the
// ones the resolved thresholds enable and attaches the group's stats.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "check/detail.hpp"
#include "check/result.hpp"
#include "check/thresholds.hpp"
#include "check/worker_stats.hpp"

namespace ktstr::check {

// "worker 3 (pid 123)" — how every message names a worker.
std::string worker_name(const WorkerStats& w);

std::vector<Detail> check_starvation(const GroupInput& g);
// Needs at least 2 workers with wall time.
std::vector<Detail> check_fairness(const GroupInput& g, double max_spread_pct);
std::vector<Detail> check_gaps(const GroupInput& g, uint64_t max_gap_ms);
// No-op for a group without a cpuset.
std::vector<Detail> check_isolation(const GroupInput& g);
// CV of work units per CPU-second (needs 2 workers with CPU time) and a
// per-worker floor on that rate.
std::vector<Detail> check_throughput(const GroupInput& g, std::optional<double> max_cv, std::optional<double> min_rate);
// Over all wake latency samples of the group pooled.
std::vector<Detail> check_wake_latency(const GroupInput& g, std::optional<double> max_p99_us,
                                       std::optional<double> max_cv);
// Iterations per wall-clock second, per worker.
std::vector<Detail> check_iteration_rate(const GroupInput& g, double min_rate);
// Group migrations / group iterations.
std::vector<Detail> check_migration_ratio(const GroupInput& g, double max_ratio);
// Page locality, cross-node page migration and slow-tier page ratios.
std::vector<Detail> check_numa(const GroupInput& g, const Thresholds& t);

// All enabled checks on one group; `resolved` is the merged thresholds
// (an unset knob is a disabled check).
CheckResult check_group(const GroupInput& g, const Thresholds& resolved);
CheckResult check_groups(const std::vector<GroupInput>& groups, const Thresholds& resolved);

}  // namespace ktstr::check
