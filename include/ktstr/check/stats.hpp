#pragma once
// Numbers a result carries whether it passed or not: one CgroupStats per
// Work group plus run-wide totals and worst-of roll-ups (the metrics that
// `stats compare` gates on). Run delay is reported here, never judged.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ktstr/cpu_list.hpp"
#include "ktstr/check/worker_stats.hpp"

namespace ktstr::check {

struct CgroupStats {
  std::string cgroup;
  std::string work_type;
  uint32_t workers = 0;
  CpuList cpus;  // union of CPUs its workers ran on
  double off_cpu_avg_pct = 0;
  double off_cpu_min_pct = 0;
  double off_cpu_max_pct = 0;
  double spread_pct = 0;  // max - min off-CPU %
  uint64_t max_gap_ms = 0;
  uint32_t max_gap_cpu = 0;
  uint64_t migrations = 0;
  double migration_ratio = 0;  // migrations / iterations
  double p99_wake_latency_us = 0;
  double median_wake_latency_us = 0;
  double wake_latency_cv = 0;
  uint64_t wake_samples = 0;
  uint64_t iterations = 0;
  uint64_t work_units = 0;
  double mean_run_delay_us = 0;         // pooled run delay / run count
  double max_run_delay_us = 0;          // worst per-worker mean
  std::optional<double> page_locality;  // only with expected NUMA nodes
  bool operator==(const CgroupStats&) const = default;
};

// Summarises one Work group. Sentinel workers (never reported) count as
// workers but contribute no samples.
CgroupStats summarize(const GroupInput& g);

// Off-CPU percentage of one worker; nullopt when it has no wall time.
std::optional<double> off_cpu_pct(const WorkerStats& w);

// What a cgroup control check measured, passed or not (so a passing run
// still shows how close it came).
struct ControlStats {
  std::string check;     // "weighted_share", "bandwidth", "freeze"
  std::string cgroup;
  std::string window;    // "step 2"
  double measured = 0;   // weighted_share: CPU-time ratio to the lowest-weight sibling;
                         // bandwidth: CPUs used; freeze: CPU ms used while frozen
  double expected = 0;   // configured weight ratio / quota in CPUs / 0
  std::string text;      // one line for reports
  bool operator==(const ControlStats&) const = default;
};

struct Stats {
  std::vector<CgroupStats> cgroups;
  std::vector<ControlStats> controls;
  uint32_t total_workers = 0;
  uint32_t total_cpus = 0;  // distinct CPUs used by any worker
  uint64_t total_migrations = 0;
  uint64_t total_iterations = 0;
  double worst_spread = 0;
  uint64_t worst_gap_ms = 0;
  uint32_t worst_gap_cpu = 0;
  double worst_migration_ratio = 0;
  double worst_p99_wake_latency_us = 0;
  double worst_median_wake_latency_us = 0;
  double worst_wake_latency_cv = 0;
  double worst_mean_run_delay_us = 0;
  double worst_run_delay_us = 0;

  // Appends a group and updates the totals and roll-ups.
  void add(CgroupStats c);
  void merge(const Stats& other);
  bool operator==(const Stats&) const = default;
};

}  // namespace ktstr::check
