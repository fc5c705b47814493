#include "guest/control_tracker.hpp"

#include <fmt/format.h>

#include "guest/cgroup_controls.hpp"

namespace ktstr::guest {
namespace {

// `a` is `b` or below it, or above it: a freeze of either stops both.
bool related(const std::string& a, const std::string& b) {
  return a == b || a.rfind(b + "/", 0) == 0 || b.rfind(a + "/", 0) == 0;
}
bool under(const std::string& c, const std::string& top) { return c == top || c.rfind(top + "/", 0) == 0; }

std::string parent_of(const std::string& c) {
  auto slash = c.rfind('/');
  return slash == std::string::npos ? std::string() : c.substr(0, slash);
}

// Shorter windows say more about timer granularity than about shares.
constexpr auto kMinWindow = std::chrono::milliseconds(300);

}  // namespace

ControlTracker::Snap ControlTracker::snap(const std::string& cgroup) const {
  Snap s;
  s.stat = cg_.cpu_stat(cgroup);
  s.at = Clock::now();
  s.weight = effective_weight(cg_, cgroup);
  try {
    s.cpus = cg_.effective_cpus(cgroup);
  } catch (const std::exception&) {
    // No cpuset controller: everybody competes for every CPU.
  }
  s.populated = cg_.populated(cgroup);
  return s;
}

void ControlTracker::on_controls(const std::string& cgroup, const scenario::CgroupControls& c) {
  auto& ctl = controlled_[cgroup];
  if (c.weight || c.weight_nice) ctl.weight = effective_weight(cg_, cgroup);
  if (c.cpu_max) ctl.cpu_max = *c.cpu_max;
  if (!window_.empty()) dirty_.insert(cgroup);
}

void ControlTracker::on_freeze(const std::string& cgroup, uint32_t workers) {
  auto now = Clock::now();
  if (auto it = thawed_.find(cgroup); it != thawed_.end()) {
    close_after_thaw(it->second, now);
    thawed_.erase(it);
  }
  OpenFreeze f;
  f.span.cgroup = cgroup;
  f.span.workers = workers;
  f.span.frozen_at_s = since(now);
  f.at_freeze = cg_.cpu_stat(cgroup);
  frozen_[cgroup] = f;
  frozen_since_[cgroup] = now;
  if (!window_.empty()) dirty_.insert(cgroup);
}

void ControlTracker::on_thaw(const std::string& cgroup) {
  auto it = frozen_.find(cgroup);
  if (it == frozen_.end()) return;
  auto now = Clock::now();
  OpenFreeze f = it->second;
  frozen_.erase(it);
  f.at_thaw = cg_.cpu_stat(cgroup);
  f.span.usage_while_frozen_us = f.at_thaw.usage_us - std::min(f.at_thaw.usage_us, f.at_freeze.usage_us);
  f.span.thawed_at_s = since(now);
  f.span.end_s = since(now);
  f.thawed = now;
  spans_[cgroup].push_back({frozen_since_[cgroup], now});
  thawed_[cgroup] = f;
}

void ControlTracker::close_after_thaw(OpenFreeze& f, Clock::time_point now) {
  auto stat = cg_.cpu_stat(f.span.cgroup);
  f.span.usage_after_thaw_us = stat.usage_us - std::min(stat.usage_us, f.at_thaw.usage_us);
  f.span.after_thaw_s = std::chrono::duration<double>(now - f.thawed).count();
  freezes_.push_back(f.span);
}

void ControlTracker::on_cgroup_end(const std::string& cgroup, bool removed) {
  auto now = Clock::now();
  for (auto it = frozen_.begin(); it != frozen_.end();) {
    if (!under(it->first, cgroup)) {
      ++it;
      continue;
    }
    auto& f = it->second;
    auto stat = cg_.cpu_stat(it->first);
    f.span.usage_while_frozen_us = stat.usage_us - std::min(stat.usage_us, f.at_freeze.usage_us);
    f.span.end_s = since(now);
    f.span.removed = removed;
    freezes_.push_back(f.span);
    spans_[it->first].push_back({frozen_since_[it->first], now});
    it = frozen_.erase(it);
  }
  for (auto it = thawed_.begin(); it != thawed_.end();) {
    if (!under(it->first, cgroup)) {
      ++it;
      continue;
    }
    close_after_thaw(it->second, now);
    it = thawed_.erase(it);
  }
  for (auto it = controlled_.begin(); it != controlled_.end();)
    it = under(it->first, cgroup) ? controlled_.erase(it) : ++it;
  for (auto it = window_start_.begin(); it != window_start_.end();)
    it = under(it->first, cgroup) ? window_start_.erase(it) : ++it;
}

std::vector<std::string> ControlTracker::frozen_under(const std::string& cgroup) const {
  std::vector<std::string> out;
  for (const auto& [c, f] : frozen_)
    if (under(c, cgroup)) out.push_back(c);
  return out;
}

void ControlTracker::open_window(const std::string& label) {
  window_ = label;
  window_start_.clear();
  dirty_.clear();
  for (const auto& [c, ctl] : controlled_) window_start_[c] = snap(c);
}

void ControlTracker::close_window() {
  if (window_.empty()) return;
  // Sibling cgroups with weights on the same CPUs compete with each other.
  std::map<std::pair<std::string, std::string>, check::ShareWindow> groups;
  for (const auto& [c, start] : window_start_) {
    bool disturbed = false;
    for (const auto& d : dirty_) disturbed = disturbed || related(c, d);
    for (const auto& [f, _] : frozen_) disturbed = disturbed || related(c, f);
    auto ctl = controlled_.find(c);
    if (disturbed || ctl == controlled_.end()) continue;
    Snap end = snap(c);
    auto wall = end.at - start.at;
    if (wall < kMinWindow) continue;
    uint64_t usage = end.stat.usage_us - std::min(end.stat.usage_us, start.stat.usage_us);
    uint64_t wall_us = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(wall).count());
    if (ctl->second.weight && start.populated && end.populated) {
      auto& g = groups[{parent_of(c), start.cpus}];
      g.window = window_;
      g.seconds = std::max(g.seconds, std::chrono::duration<double>(wall).count());
      g.members.push_back({c, start.weight, usage});
    }
    if (ctl->second.cpu_max && ctl->second.cpu_max->quota_us) {
      check::BandwidthWindow b;
      b.cgroup = c;
      b.window = window_;
      b.quota_us = *ctl->second.cpu_max->quota_us;
      b.period_us = ctl->second.cpu_max->period_us;
      b.usage_us = usage;
      b.wall_us = wall_us;
      b.nr_throttled = end.stat.nr_throttled - std::min(end.stat.nr_throttled, start.stat.nr_throttled);
      b.throttled_us = end.stat.throttled_us - std::min(end.stat.throttled_us, start.stat.throttled_us);
      bandwidth_.push_back(b);
    }
  }
  for (auto& [key, g] : groups)
    if (g.members.size() >= 2) shares_.push_back(std::move(g));
  window_.clear();
  window_start_.clear();
  dirty_.clear();
}

std::vector<std::pair<ControlTracker::Clock::time_point, ControlTracker::Clock::time_point>>
ControlTracker::frozen_spans(const std::string& cgroup) const {
  std::vector<std::pair<Clock::time_point, Clock::time_point>> out;
  for (const auto& [c, spans] : spans_)
    if (under(cgroup, c)) out.insert(out.end(), spans.begin(), spans.end());
  for (const auto& [c, f] : frozen_)
    if (under(cgroup, c)) out.push_back({frozen_since_.at(c), Clock::now()});
  return out;
}

check::CheckResult ControlTracker::result(const check::Thresholds& t) {
  auto now = Clock::now();
  for (auto& [c, f] : thawed_) close_after_thaw(f, now);
  thawed_.clear();
  if (!frozen_.empty()) {
    std::vector<std::string> left;
    for (const auto& [c, f] : frozen_) left.push_back(c);
    for (const auto& c : left) on_cgroup_end(c, false);
  }
  check::CheckResult r;
  for (const auto& w : shares_) r.merge(check::check_weighted_share(w, t.max_weight_share_error));
  for (const auto& b : bandwidth_) r.merge(check::check_bandwidth(b, t.max_bandwidth_excess));
  for (const auto& f : freezes_) r.merge(check::check_freeze(f, t.freeze.value_or(false), t.starvation.value_or(false)));
  return r;
}

}  // namespace ktstr::guest
