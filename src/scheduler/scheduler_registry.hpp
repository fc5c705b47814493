#pragma once
// The scheduler definitions a run can name: ktstr's fixture and the kernel's
// tools/sched_ext examples built by scripts/build-kernel-schedulers.sh
// (simple, central, qmap), plus any the user loads with --scheduler-def.
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/scheduler_def.hpp"

namespace ktstr::scheduler {

// The comm (task name, < 16 bytes) the fixture's "stall" fault parks: a
// worker renamed to this (prctl(PR_SET_NAME)) is never dispatched.
// Every ktstr worker carries this comm (workload/worker_process.hpp), so the
// stall fault stalls the test's workers.
inline constexpr std::string_view kFixtureStallComm = "ktstr_worker";

class SchedulerRegistry {
 public:
  // fixture, simple, central, qmap.
  static const SchedulerRegistry& builtin();

  // Validates `def`; a definition with the same name replaces the old one,
  // so a user's file can override a built-in.
  void add(SchedulerDef def);
  // By name ("simple") or binary name ("scx_simple"); nullptr if unknown.
  const SchedulerDef* find(std::string_view name) const;
  const std::vector<SchedulerDef>& all() const { return defs_; }
  std::vector<std::string> names() const;

 private:
  std::vector<SchedulerDef> defs_;
};

// What `--scheduler SPEC` means. A registered name or binary name gives that
// definition; a path whose file name is one ("/tmp/scx_simple") gives it with
// the binary replaced by the path (a rebuilt scx_simple keeps its flags);
// anything else is an ad-hoc definition without flags that runs SPEC as given
// (resolve_scheduler() finds it later).
SchedulerDef scheduler_def_for(std::string_view spec, const SchedulerRegistry& reg = SchedulerRegistry::builtin());

}  // namespace ktstr::scheduler
