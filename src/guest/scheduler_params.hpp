#pragma once
// The "scheduler" object of a run request: which binary to start in the
// guest, its args, and the sysctls its definition sets first.
#include <nlohmann/json.hpp>

#include "guest/scheduler_supervisor.hpp"

namespace ktstr::guest {

// {"binary": path, "args": [...], "sysctls": [[path, value], ...]}.
// Writes the sysctls, then returns the launch description.
SchedulerLaunch prepare_scheduler(const nlohmann::json& sched);

}  // namespace ktstr::guest
