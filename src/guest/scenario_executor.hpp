#pragma once
// Runs a declared scenario inside the guest: backdrop, then each step's ops,
// cgroups and hold; tears down what each step created when it ends; collects
// every worker's report and runs the worker checks.
#include <functional>
#include <string>

#include "check/result.hpp"
#include "check/thresholds.hpp"
#include "guest/scheduler_control.hpp"
#include "scenario/cpu_layout.hpp"
#include "scenario/scenario.hpp"

namespace ktstr::guest {

struct ExecOptions {
  check::Thresholds thresholds;  // already merged: defaults <- scheduler <- test
  scenario::CpuLayout layout;    // read back from the guest's sysfs
  // Polled every ~100 ms during holds; a non-empty string aborts the
  // scenario with that reason (e.g. the scheduler was ejected).
  std::function<std::string()> abort_check;
  // Stimulus events ("step 1 start", "op set_cpuset cg_0 0-1") for the timeline.
  std::function<void(const std::string&)> event;
  // Scheduler lifecycle ops go here; null (no VM, e.g. --host): such ops
  // fail the scenario with a message saying so.
  SchedulerControl* schedulers = nullptr;
  uint64_t seed = 1;
  std::string cgroup_root = "ktstr";
};

struct ExecOutcome {
  check::CheckResult result;
  std::string abort_reason;  // non-empty if the scenario was cut short
};

ExecOutcome execute_scenario(const scenario::Scenario& s, const ExecOptions& opts);

}  // namespace ktstr::guest
