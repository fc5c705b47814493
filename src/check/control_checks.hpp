#pragma once
// cgroup control checks: does the scheduler honour cpu.weight, cpu.max and
// cgroup.freeze? Pure logic over what the guest measured (cgroup cpu.stat
// usage snapshots around a window); each returns its measurement for the
// stats, passing or not, and fails only when its threshold is set.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "check/result.hpp"
#include "check/worker_stats.hpp"

namespace ktstr::check {

// Sibling cgroups with a cpu.weight competing for the same CPUs over one
// window (a step's hold).
struct ShareMember {
  std::string cgroup;
  uint32_t weight = 100;  // as the kernel holds it (cpu.weight.nice mapped)
  uint64_t usage_us = 0;  // cpu.stat usage_usec delta over the window
};
struct ShareWindow {
  std::string window;  // "step 1"
  double seconds = 0;
  std::vector<ShareMember> members;
};
// Each member's CPU time relative to the lowest-weight member vs the
// configured weight ratio; fails members off by more than `max_error`
// (relative) when set.
CheckResult check_weighted_share(const ShareWindow& w, std::optional<double> max_error);

// One cgroup with a cpu.max quota over one window.
struct BandwidthWindow {
  std::string cgroup;
  std::string window;
  uint64_t quota_us = 0, period_us = 100000;
  uint64_t usage_us = 0;  // cpu.stat usage_usec delta
  uint64_t wall_us = 0;
  uint64_t nr_throttled = 0, throttled_us = 0;  // cpu.stat deltas
};
// CPUs used vs quota/period. One period's quota of slack on top of the
// relative `max_excess` (a window not aligned to periods can hold one
// extra period's worth).
CheckResult check_bandwidth(const BandwidthWindow& b, std::optional<double> max_excess);

// One freeze of a cgroup: times in seconds from the scenario's start.
struct FreezeSpan {
  std::string cgroup;
  uint32_t workers = 0;
  double frozen_at_s = 0;               // cgroup.events said frozen
  uint64_t usage_while_frozen_us = 0;   // cpu.stat usage_usec over the frozen span
  std::optional<double> thawed_at_s;    // unset: still frozen when the cgroup ended
  double end_s = 0;                     // thaw, or when the cgroup ended
  uint64_t usage_after_thaw_us = 0;     // from thaw until the cgroup ended or froze again
  double after_thaw_s = 0;
  bool removed = false;                 // ended by an explicit remove_cgroup op
};
// CPU use at most `kFrozenSlackUs` while frozen, some CPU use after the
// thaw (judged when `check_freeze`). A cgroup left frozen until its end
// starved: a starvation failure naming it (when `starvation`).
inline constexpr uint64_t kFrozenSlackUs = 2000;
CheckResult check_freeze(const FreezeSpan& f, bool check_freeze, bool starvation);

// Time spent frozen by a freeze op is not a scheduling gap: the part of a
// worker's longest gap that overlaps a frozen span (ns since the worker's
// release) is taken off it.
void discount_frozen(WorkerStats& w, const std::vector<std::pair<uint64_t, uint64_t>>& frozen_ns);

}  // namespace ktstr::check
