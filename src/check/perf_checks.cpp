// Opt-in checks (off unless a threshold is set): throughput, wake latency,
// iteration rate, migrations, NUMA placement.
#include <fmt/format.h>

#include <algorithm>

#include "check/summary_math.hpp"
#include "check/worker_checks.hpp"

namespace ktstr::check {
namespace {

constexpr double kNsPerSec = 1e9;

double per_second(uint64_t count, uint64_t ns) {
  return ns ? static_cast<double>(count) * kNsPerSec / static_cast<double>(ns) : 0.0;
}

}  // namespace

std::vector<Detail> check_throughput(const GroupInput& g, std::optional<double> max_cv,
                                     std::optional<double> min_rate) {
  std::vector<Detail> out;
  std::vector<double> rates;
  for (const auto& w : g.workers) {
    if (!w.reported) continue;
    double rate = per_second(w.work_units, w.cpu_time_ns);
    if (w.cpu_time_ns) rates.push_back(rate);
    if (min_rate && rate < *min_rate)
      out.push_back({DetailKind::throughput,
                     fmt::format("{} work rate {:.1f} units/CPU-s < {}", worker_name(w), rate, *min_rate), g.cgroup});
  }
  if (max_cv && rates.size() >= 2) {
    double cv = cv_of(rates);
    auto [lo, hi] = std::minmax_element(rates.begin(), rates.end());
    if (cv > *max_cv)
      out.push_back({DetailKind::throughput,
                     fmt::format("throughput CV {:.2f} > {} across {} workers (units/CPU-s min {:.1f}, max {:.1f})", cv,
                                 *max_cv, rates.size(), *lo, *hi),
                     g.cgroup});
  }
  return out;
}

std::vector<Detail> check_wake_latency(const GroupInput& g, std::optional<double> max_p99_us,
                                       std::optional<double> max_cv) {
  std::vector<double> us;
  for (const auto& w : g.workers)
    for (uint64_t ns : w.wake_latencies_ns) us.push_back(static_cast<double>(ns) / 1e3);
  if (us.empty()) return {};
  std::vector<Detail> out;
  if (double p99 = percentile_of(us, 99); max_p99_us && p99 > *max_p99_us)
    out.push_back({DetailKind::wake_latency,
                   fmt::format("wake latency p99 {:.1f} us > {} us ({} samples)", p99, *max_p99_us, us.size()),
                   g.cgroup});
  if (double cv = cv_of(us); max_cv && cv > *max_cv)
    out.push_back({DetailKind::wake_latency,
                   fmt::format("wake latency CV {:.2f} > {} ({} samples)", cv, *max_cv, us.size()), g.cgroup});
  return out;
}

std::vector<Detail> check_iteration_rate(const GroupInput& g, double min_rate) {
  std::vector<Detail> out;
  for (const auto& w : g.workers) {
    if (!w.reported) continue;
    double rate = per_second(w.iterations, w.wall_time_ns);
    if (rate < min_rate)
      out.push_back({DetailKind::iteration_rate,
                     fmt::format("{} iteration rate {:.1f}/s < {}/s", worker_name(w), rate, min_rate), g.cgroup});
  }
  return out;
}

std::vector<Detail> check_migration_ratio(const GroupInput& g, double max_ratio) {
  uint64_t migrations = 0, iterations = 0;
  for (const auto& w : g.workers) {
    migrations += w.migrations;
    iterations += w.iterations;
  }
  if (iterations == 0) return {};  // nothing ran: starvation reports that
  double ratio = static_cast<double>(migrations) / static_cast<double>(iterations);
  if (ratio <= max_ratio) return {};
  return {{DetailKind::migration,
           fmt::format("migration ratio {:.3f} > {} ({} migrations / {} iterations)", ratio, max_ratio, migrations,
                       iterations),
           g.cgroup}};
}

std::vector<Detail> check_numa(const GroupInput& g, const Thresholds& t) {
  uint64_t total = 0, local = 0, slow = 0, migrated = 0;
  auto in = [](const std::vector<uint32_t>& nodes, size_t n) {
    return std::find(nodes.begin(), nodes.end(), n) != nodes.end();
  };
  for (const auto& w : g.workers) {
    migrated += w.numa_migrated_pages;
    for (size_t n = 0; n < w.numa_pages.size(); ++n) {
      total += w.numa_pages[n];
      if (in(g.expected_nodes, n)) local += w.numa_pages[n];
      if (in(g.slow_tier_nodes, n)) slow += w.numa_pages[n];
    }
  }
  if (total == 0) return {};
  auto frac = [&](uint64_t x) { return static_cast<double>(x) / static_cast<double>(total); };
  std::vector<Detail> out;
  if (t.min_page_locality && !g.expected_nodes.empty() && frac(local) < *t.min_page_locality)
    out.push_back({DetailKind::numa,
                   fmt::format("page locality {:.2f} < {} (expected nodes {}, {} pages)", frac(local),
                               *t.min_page_locality, format_cpu_list(g.expected_nodes), total),
                   g.cgroup});
  if (t.max_cross_node_migration_ratio && frac(migrated) > *t.max_cross_node_migration_ratio)
    out.push_back({DetailKind::numa,
                   fmt::format("cross-node migration ratio {:.2f} > {} ({} of {} pages)", frac(migrated),
                               *t.max_cross_node_migration_ratio, migrated, total),
                   g.cgroup});
  if (t.max_slow_tier_ratio && !g.slow_tier_nodes.empty() && frac(slow) > *t.max_slow_tier_ratio)
    out.push_back({DetailKind::numa,
                   fmt::format("slow-tier ratio {:.2f} > {} ({} of {} pages on nodes {})", frac(slow),
                               *t.max_slow_tier_ratio, slow, total, format_cpu_list(g.slow_tier_nodes)),
                   g.cgroup});
  return out;
}

}  // namespace ktstr::check
