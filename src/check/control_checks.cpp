#include "check/control_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ktstr::check {
namespace {

double ms(uint64_t us) { return static_cast<double>(us) / 1000.0; }

}  // namespace

CheckResult check_weighted_share(const ShareWindow& w, std::optional<double> max_error) {
  CheckResult r;
  if (w.members.size() < 2) return r;
  const ShareMember* base = &w.members.front();
  for (const auto& m : w.members)
    if (m.weight < base->weight) base = &m;
  for (const auto& m : w.members) {
    if (&m == base) continue;
    const double configured = static_cast<double>(m.weight) / static_cast<double>(base->weight);
    const double measured = base->usage_us ? static_cast<double>(m.usage_us) / static_cast<double>(base->usage_us)
                                           : std::numeric_limits<double>::infinity();
    const double error = std::abs(measured / configured - 1.0);
    std::string text = fmt::format(
        "{}: {} got {:.2f}x the CPU time of {}, configured {:.2f}x (cpu.weight {} vs {}); CPU {:.0f} ms vs {:.0f} ms "
        "in {:.1f} s",
        w.window, m.cgroup, measured, base->cgroup, configured, m.weight, base->weight, ms(m.usage_us),
        ms(base->usage_us), w.seconds);
    r.stats.controls.push_back({"weighted_share", m.cgroup, w.window, measured, configured, text});
    if (max_error && !(error <= *max_error))
      r.fail(DetailKind::weighted_share,
             fmt::format("weighted share off by {:.0f}% (tolerance {:.0f}%): {}", error * 100, *max_error * 100, text),
             m.cgroup);
  }
  return r;
}

CheckResult check_bandwidth(const BandwidthWindow& b, std::optional<double> max_excess) {
  CheckResult r;
  if (b.wall_us == 0 || b.period_us == 0) return r;
  const double quota_cpus = static_cast<double>(b.quota_us) / static_cast<double>(b.period_us);
  const double used_cpus = static_cast<double>(b.usage_us) / static_cast<double>(b.wall_us);
  std::string text = fmt::format(
      "{}: {} used {:.2f} CPUs ({:.0f} ms of CPU in {:.0f} ms), cpu.max allows {:.2f} ({} {}); throttled {} times "
      "for {:.0f} ms",
      b.window, b.cgroup, used_cpus, ms(b.usage_us), ms(b.wall_us), quota_cpus, b.quota_us, b.period_us,
      b.nr_throttled, ms(b.throttled_us));
  r.stats.controls.push_back({"bandwidth", b.cgroup, b.window, used_cpus, quota_cpus, text});
  if (!max_excess) return r;
  const double allowed_us = quota_cpus * static_cast<double>(b.wall_us) * (1.0 + *max_excess) +
                            static_cast<double>(b.quota_us);
  if (static_cast<double>(b.usage_us) > allowed_us)
    r.fail(DetailKind::bandwidth,
           fmt::format("over its CPU bandwidth by {:.0f}% (tolerance {:.0f}%): {}",
                       (used_cpus / quota_cpus - 1.0) * 100, *max_excess * 100, text),
           b.cgroup);
  return r;
}

CheckResult check_freeze(const FreezeSpan& f, bool judge, bool starvation) {
  CheckResult r;
  std::string span = f.thawed_at_s ? fmt::format("frozen +{:.2f}..+{:.2f} s", f.frozen_at_s, *f.thawed_at_s)
                                   : fmt::format("frozen from +{:.2f} s", f.frozen_at_s);
  std::string text = fmt::format("{} {}: {:.1f} ms of CPU while frozen", f.cgroup, span, ms(f.usage_while_frozen_us));
  if (f.thawed_at_s)
    text += fmt::format(", {:.0f} ms in the {:.2f} s after the thaw", ms(f.usage_after_thaw_us), f.after_thaw_s);
  r.stats.controls.push_back(
      {"freeze", f.cgroup, span, ms(f.usage_while_frozen_us), 0, text});
  if (judge && f.usage_while_frozen_us > kFrozenSlackUs)
    r.fail(DetailKind::freeze,
           fmt::format("{} ran {:.1f} ms of CPU while frozen ({})", f.cgroup, ms(f.usage_while_frozen_us), span),
           f.cgroup);
  // A thaw right before the end leaves no time to see progress.
  constexpr double kMinObserveS = 0.2;
  if (judge && f.thawed_at_s && f.after_thaw_s >= kMinObserveS && f.usage_after_thaw_us == 0)
    r.fail(DetailKind::freeze,
           fmt::format("{} did not resume after the thaw at +{:.2f} s: no CPU time in the {:.2f} s after", f.cgroup,
                       *f.thawed_at_s, f.after_thaw_s),
           f.cgroup);
  if (starvation && !f.thawed_at_s && !f.removed)
    r.fail(DetailKind::starvation,
           fmt::format("cgroup {} was frozen at +{:.2f} s and never thawed: its {} worker(s) made no progress for the "
                       "last {:.2f} s",
                       f.cgroup, f.frozen_at_s, f.workers, f.end_s - f.frozen_at_s),
           f.cgroup);
  return r;
}

void discount_frozen(WorkerStats& w, const std::vector<std::pair<uint64_t, uint64_t>>& frozen_ns) {
  if (w.max_gap_ns == 0) return;
  const uint64_t a = w.max_gap_at_ns, b = w.max_gap_at_ns + w.max_gap_ns;
  uint64_t overlap = 0;
  for (auto [f0, f1] : frozen_ns) {
    uint64_t lo = std::max(a, f0), hi = std::min(b, f1);
    if (hi > lo) overlap += hi - lo;
  }
  w.max_gap_ns -= std::min(overlap, w.max_gap_ns);
}

}  // namespace ktstr::check
