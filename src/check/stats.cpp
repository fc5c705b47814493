#include "check/stats.hpp"

#include <algorithm>

#include "check/summary_math.hpp"

namespace ktstr::check {
namespace {

constexpr double kNsPerUs = 1e3;
constexpr uint64_t kNsPerMs = 1'000'000;

void summarize_off_cpu(const GroupInput& g, CgroupStats& s) {
  std::vector<double> pcts;
  for (const auto& w : g.workers)
    if (auto p = off_cpu_pct(w)) pcts.push_back(*p);
  if (pcts.empty()) return;
  auto [lo, hi] = std::minmax_element(pcts.begin(), pcts.end());
  s.off_cpu_avg_pct = mean_of(pcts);
  s.off_cpu_min_pct = *lo;
  s.off_cpu_max_pct = *hi;
  s.spread_pct = *hi - *lo;
}

void summarize_run_delay(const GroupInput& g, CgroupStats& s) {
  uint64_t delay = 0, count = 0;
  for (const auto& w : g.workers) {
    delay += w.run_delay_ns;
    count += w.run_count;
    if (w.run_count)
      s.max_run_delay_us = std::max(s.max_run_delay_us,
                                    static_cast<double>(w.run_delay_ns) / static_cast<double>(w.run_count) / kNsPerUs);
  }
  if (count) s.mean_run_delay_us = static_cast<double>(delay) / static_cast<double>(count) / kNsPerUs;
}

void summarize_locality(const GroupInput& g, CgroupStats& s) {
  if (g.expected_nodes.empty()) return;
  uint64_t total = 0, local = 0;
  for (const auto& w : g.workers)
    for (size_t node = 0; node < w.numa_pages.size(); ++node) {
      total += w.numa_pages[node];
      if (std::count(g.expected_nodes.begin(), g.expected_nodes.end(), node)) local += w.numa_pages[node];
    }
  if (total) s.page_locality = static_cast<double>(local) / static_cast<double>(total);
}

}  // namespace

std::optional<double> off_cpu_pct(const WorkerStats& w) {
  if (!w.reported || w.wall_time_ns == 0) return std::nullopt;
  return 100.0 * static_cast<double>(std::min(w.off_cpu_ns, w.wall_time_ns)) / static_cast<double>(w.wall_time_ns);
}

CgroupStats summarize(const GroupInput& g) {
  CgroupStats s;
  s.cgroup = g.cgroup;
  s.work_type = g.work_type;
  s.workers = static_cast<uint32_t>(g.workers.size());
  std::vector<double> wake;
  uint64_t gap_ns = 0;
  for (const auto& w : g.workers) {
    s.cpus = cpu_union(s.cpus, w.cpus_used);
    s.migrations += w.migrations;
    s.iterations += w.iterations;
    s.work_units += w.work_units;
    if (w.max_gap_ns > gap_ns) {
      gap_ns = w.max_gap_ns;
      s.max_gap_cpu = w.max_gap_cpu;
    }
    for (uint64_t ns : w.wake_latencies_ns) wake.push_back(static_cast<double>(ns) / kNsPerUs);
  }
  s.max_gap_ms = gap_ns / kNsPerMs;
  if (s.iterations) s.migration_ratio = static_cast<double>(s.migrations) / static_cast<double>(s.iterations);
  s.wake_samples = wake.size();
  s.p99_wake_latency_us = percentile_of(wake, 99);
  s.median_wake_latency_us = percentile_of(wake, 50);
  s.wake_latency_cv = cv_of(wake);
  summarize_off_cpu(g, s);
  summarize_run_delay(g, s);
  summarize_locality(g, s);
  return s;
}

void Stats::add(CgroupStats c) {
  total_workers += c.workers;
  total_migrations += c.migrations;
  total_iterations += c.iterations;
  worst_spread = std::max(worst_spread, c.spread_pct);
  if (c.max_gap_ms > worst_gap_ms) {
    worst_gap_ms = c.max_gap_ms;
    worst_gap_cpu = c.max_gap_cpu;
  }
  worst_migration_ratio = std::max(worst_migration_ratio, c.migration_ratio);
  worst_p99_wake_latency_us = std::max(worst_p99_wake_latency_us, c.p99_wake_latency_us);
  worst_median_wake_latency_us = std::max(worst_median_wake_latency_us, c.median_wake_latency_us);
  worst_wake_latency_cv = std::max(worst_wake_latency_cv, c.wake_latency_cv);
  worst_mean_run_delay_us = std::max(worst_mean_run_delay_us, c.mean_run_delay_us);
  worst_run_delay_us = std::max(worst_run_delay_us, c.max_run_delay_us);
  cgroups.push_back(std::move(c));
  CpuList all;
  for (const auto& g : cgroups) all = cpu_union(all, g.cpus);
  total_cpus = static_cast<uint32_t>(all.size());
}

void Stats::merge(const Stats& other) {
  for (const auto& c : other.cgroups) add(c);
  controls.insert(controls.end(), other.controls.begin(), other.controls.end());
}

}  // namespace ktstr::check
