#pragma once
// What a host-side (`--host`, host_only) record names as its kernel and
// scheduler: this machine's running kernel and scheduler.
#include <string>

namespace ktstr::store {

// uname -r; "unknown" if uname fails.
std::string host_kernel_release();
// The attached sched_ext scheduler's name, else "eevdf" (the fair class).
std::string host_scheduler_name();

}  // namespace ktstr::store
