#include "check/report.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ktstr::check {
namespace {

using Row = std::vector<std::string>;

// First column left-aligned (names), the rest right-aligned (numbers).
std::string align(const std::vector<Row>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = " ";
    for (size_t i = 0; i < row.size(); ++i)
      line += i == 0 ? fmt::format(" {:<{}}", row[i], width[i]) : fmt::format("  {:>{}}", row[i], width[i]);
    out += line + "\n";
  }
  return out;
}

std::string pct3(double a, double b, double c) { return fmt::format("{:.1f}/{:.1f}/{:.1f}", a, b, c); }
std::string pair1(double a, double b) { return fmt::format("{:.1f}/{:.1f}", a, b); }
std::string gap(uint64_t ms, uint32_t cpu) { return fmt::format("{} ms cpu{}", ms, cpu); }
std::string migr(uint64_t n, double ratio) { return fmt::format("{} ({:.3f})", n, ratio); }

Row cgroup_row(const CgroupStats& c) {
  std::string name = c.work_type.empty() ? c.cgroup : fmt::format("{} {}", c.cgroup, c.work_type);
  return {name,
          fmt::format("{}", c.workers),
          fmt::format("{}", c.cpus.size()),
          pct3(c.off_cpu_avg_pct, c.off_cpu_min_pct, c.off_cpu_max_pct),
          fmt::format("{:.1f}", c.spread_pct),
          gap(c.max_gap_ms, c.max_gap_cpu),
          migr(c.migrations, c.migration_ratio),
          pair1(c.p99_wake_latency_us, c.median_wake_latency_us),
          fmt::format("{:.2f}", c.wake_latency_cv),
          fmt::format("{}", c.iterations),
          pair1(c.mean_run_delay_us, c.max_run_delay_us)};
}

}  // namespace

std::string format_details(const CheckResult& r) {
  std::string out;
  for (const auto& d : r.details) {
    std::string where = d.cgroup.empty() ? "" : d.cgroup + ": ";
    out += fmt::format("  [{}] {}{}\n", kind_name(d.kind), where, d.message);
  }
  return out;
}

std::string format_controls(const Stats& s) {
  if (s.controls.empty()) return "";
  std::string out = "cgroup controls:\n";
  for (const auto& c : s.controls) out += fmt::format("  [{}] {}\n", c.check, c.text);
  return out;
}

std::string format_stats(const Stats& s) {
  if (s.cgroups.empty()) return format_controls(s);
  std::vector<Row> rows{{"cgroup", "workers", "cpus", "off-cpu% avg/min/max", "spread%", "max gap", "migrations",
                         "wake us p99/med", "wake cv", "iterations", "run delay us mean/max"}};
  for (const auto& c : s.cgroups) rows.push_back(cgroup_row(c));
  rows.push_back({"total/worst", fmt::format("{}", s.total_workers), fmt::format("{}", s.total_cpus), "-",
                  fmt::format("{:.1f}", s.worst_spread), gap(s.worst_gap_ms, s.worst_gap_cpu),
                  migr(s.total_migrations, s.worst_migration_ratio),
                  pair1(s.worst_p99_wake_latency_us, s.worst_median_wake_latency_us),
                  fmt::format("{:.2f}", s.worst_wake_latency_cv), fmt::format("{}", s.total_iterations),
                  pair1(s.worst_mean_run_delay_us, s.worst_run_delay_us)});
  return "stats:\n" + align(rows) + format_controls(s);
}

std::string format_report(const CheckResult& r) {
  if (r.skipped) return fmt::format("SKIPPED: {}\n", r.skip_reason);
  std::string out = r.passed ? "PASSED\n" : "FAILED\n";
  out += format_details(r);
  if (std::string stats = format_stats(r.stats); !stats.empty()) out += "\n" + stats;
  return out;
}

}  // namespace ktstr::check
