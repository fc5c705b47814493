#pragma once
// Measures what the cgroup control checks judge while a scenario runs:
// per step window, the CPU time (cpu.stat usage_usec) of every cgroup with
// a cpu.weight or cpu.max quota; per freeze, the CPU time while frozen and
// after the thaw. The executor tells it what happens; it reads cgroupfs.
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "check/control_checks.hpp"
#include "check/thresholds.hpp"
#include "guest/cgroup_manager.hpp"
#include "ktstr/scenario/cgroup_controls.hpp"

namespace ktstr::guest {

class ControlTracker {
 public:
  using Clock = std::chrono::steady_clock;
  // `origin`: time zero for the "+N s" in messages.
  ControlTracker(CgroupManager& cg, Clock::time_point origin) : cg_(cg), origin_(origin) {}

  // Controls written to a cgroup (at setup or by an op). During an open
  // window this invalidates the cgroup's share/bandwidth measurement.
  void on_controls(const std::string& cgroup, const scenario::CgroupControls& c);
  // After cgroup.events reported frozen / before writing the thaw.
  void on_freeze(const std::string& cgroup, uint32_t workers);
  void on_thaw(const std::string& cgroup);
  // The cgroup is about to be removed (`removed`: by a remove_cgroup op,
  // not by its step ending); closes its spans. Call before thawing it.
  void on_cgroup_end(const std::string& cgroup, bool removed);
  bool is_frozen(const std::string& cgroup) const { return frozen_.count(cgroup) > 0; }
  std::vector<std::string> frozen_under(const std::string& cgroup) const;

  // A step's measured window: opened after its ops and cgroups, closed
  // after its hold (before teardown).
  void open_window(const std::string& label);
  void close_window();

  // Frozen spans of `cgroup` or any of its ancestors, absolute times (an
  // open span ends now).
  std::vector<std::pair<Clock::time_point, Clock::time_point>> frozen_spans(const std::string& cgroup) const;

  // The checks over everything measured, per the thresholds.
  check::CheckResult result(const check::Thresholds& t);

 private:
  struct Snap {
    CgroupManager::CpuStat stat;
    Clock::time_point at;
    uint32_t weight = 0;
    std::string cpus;  // cpuset.cpus.effective: who competes with whom
    bool populated = false;
  };
  struct Controlled {
    std::optional<uint32_t> weight;  // explicit weight (kernel value after writing)
    std::optional<scenario::CpuMax> cpu_max;
  };
  struct OpenFreeze {
    check::FreezeSpan span;
    CgroupManager::CpuStat at_freeze;
    Clock::time_point thawed;
    CgroupManager::CpuStat at_thaw;
  };
  double since(Clock::time_point t) const { return std::chrono::duration<double>(t - origin_).count(); }
  void close_after_thaw(OpenFreeze& f, Clock::time_point now);
  Snap snap(const std::string& cgroup) const;

  CgroupManager& cg_;
  Clock::time_point origin_;
  std::map<std::string, Controlled> controlled_;
  // Window state.
  std::string window_;
  std::map<std::string, Snap> window_start_;
  std::set<std::string> dirty_;  // controls changed or frozen during the window
  std::vector<check::ShareWindow> shares_;
  std::vector<check::BandwidthWindow> bandwidth_;
  // Freeze state: open spans per cgroup, finished spans, absolute spans.
  std::map<std::string, OpenFreeze> frozen_;
  std::map<std::string, OpenFreeze> thawed_;  // thawed, still watching progress
  std::vector<check::FreezeSpan> freezes_;
  std::map<std::string, std::vector<std::pair<Clock::time_point, Clock::time_point>>> spans_;
  std::map<std::string, Clock::time_point> frozen_since_;
};

}  // namespace ktstr::guest
