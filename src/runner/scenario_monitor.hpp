#pragma once
// Glue between a scenario run and its host monitor (kept out of
// scenario_run.cpp so that file only calls these two).
#include "runner/guest_run.hpp"
#include "runner/monitor_attach.hpp"
#include "runner/scenario_run.hpp"

namespace ktstr::runner {

// The monitor's view of a scenario run: merged thresholds, the
// scheduler's reserved CPUs, vCPU count, emulation, whether to judge.
MonitorSetup monitor_setup(const ScenarioRunOptions& o, const check::Thresholds& merged, bool emulated);
// Hooks the monitor into the guest run (observer, BPF stats sysctl).
void attach_monitor(MonitorAttachment& m, const ScenarioRunOptions& o, GuestRunOptions& g);

}  // namespace ktstr::runner
