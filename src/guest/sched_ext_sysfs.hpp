#pragma once
// /sys/kernel/sched_ext: the kernel's view of the running BPF scheduler.
#include <string>

namespace ktstr::guest {

// "enabled", "disabled", "enabling", "disabling", or "" if sched_ext is absent.
std::string sched_ext_state();
// Name of the attached scheduler's ops ("" when none).
std::string sched_ext_root_ops();

}  // namespace ktstr::guest
