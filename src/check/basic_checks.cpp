// The default-on checks: starvation, fairness spread, scheduling gap, plus
// cpuset isolation.
#include <fmt/format.h>

#include "check/stats.hpp"
#include "check/worker_checks.hpp"

namespace ktstr::check {

std::string worker_name(const WorkerStats& w) { return fmt::format("worker {} (pid {})", w.index, w.pid); }

std::vector<Detail> check_starvation(const GroupInput& g) {
  std::vector<Detail> out;
  for (const auto& w : g.workers) {
    if (w.work_units > 0) continue;
    std::string how = w.exit.empty() ? "exit unknown" : w.exit;
    std::string msg = w.reported ? fmt::format("{} starved: 0 work units ({})", worker_name(w), how)
                                 : fmt::format("{} starved: never reported ({})", worker_name(w), how);
    out.push_back({DetailKind::starvation, std::move(msg), g.cgroup});
  }
  return out;
}

std::vector<Detail> check_fairness(const GroupInput& g, double max_spread_pct) {
  const WorkerStats* lo = nullptr;
  const WorkerStats* hi = nullptr;
  double lo_pct = 0, hi_pct = 0;
  size_t judged = 0;
  for (const auto& w : g.workers) {
    auto p = off_cpu_pct(w);
    if (!p) continue;
    ++judged;
    if (!lo || *p < lo_pct) {
      lo = &w;
      lo_pct = *p;
    }
    if (!hi || *p > hi_pct) {
      hi = &w;
      hi_pct = *p;
    }
  }
  // One worker has nothing to be unfair against.
  if (judged < 2 || hi_pct - lo_pct <= max_spread_pct) return {};
  return {{DetailKind::fairness,
           fmt::format("unfair: off-CPU spread {:.1f}% > {}% (worker {} {:.1f}%, worker {} {:.1f}%)", hi_pct - lo_pct,
                       max_spread_pct, lo->index, lo_pct, hi->index, hi_pct),
           g.cgroup}};
}

std::vector<Detail> check_gaps(const GroupInput& g, uint64_t max_gap_ms) {
  std::vector<Detail> out;
  constexpr uint64_t kNsPerMs = 1'000'000;
  for (const auto& w : g.workers) {
    if (!w.reported || w.max_gap_ns / kNsPerMs <= max_gap_ms) continue;
    out.push_back({DetailKind::gap,
                   fmt::format("{} stuck {} ms on cpu{} at +{} ms", worker_name(w), w.max_gap_ns / kNsPerMs,
                               w.max_gap_cpu, w.max_gap_at_ns / kNsPerMs),
                   g.cgroup});
  }
  return out;
}

std::vector<Detail> check_isolation(const GroupInput& g) {
  if (!g.cpuset) return {};
  std::vector<Detail> out;
  for (const auto& w : g.workers) {
    CpuList outside = cpu_difference(w.cpus_used, *g.cpuset);
    if (outside.empty()) continue;
    out.push_back({DetailKind::isolation,
                   fmt::format("{} ran on cpus {} outside cgroup {}'s cpuset {}", worker_name(w),
                               format_cpu_list(outside), g.cgroup, format_cpu_list(*g.cpuset)),
                   g.cgroup});
  }
  return out;
}

}  // namespace ktstr::check
