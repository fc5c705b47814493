#pragma once
// What the kernel says when it disables a sched_ext scheduler. Measured on
// 7.2: an ejected scheduler usually exits 0, so the verdict is the kernel's
//   sched_ext: BPF scheduler "NAME" disabled (KIND)
// followed by a reason line (e.g. "sched_ext: NAME: runnable task stall
// (...) failed to run for 5.2s", "scx_bpf_error (...)", "watchdog failed to
// check in"), plus /sys/kernel/sched_ext/state going to "disabled".
#include <optional>
#include <string>
#include <vector>

#include "guest/kmsg.hpp"

namespace ktstr::guest {

struct SchedExtExit {
  std::string scheduler;   // NAME from the disabled line
  std::string kind;        // e.g. "runnable task stall", "scx_bpf_error",
                           // "unregistered from user space"
  std::vector<std::string> reason_lines;  // following sched_ext lines
  bool clean() const;      // unregistered by the scheduler itself / by us
  std::string describe() const;
};

// Finds the last "disabled" line among `records` and the sched_ext lines
// after it. Pure; unit-tested.
std::optional<SchedExtExit> parse_sched_ext_exit(const std::vector<KmsgRecord>& records);

// "sched_ext: BPF scheduler "X" enabled" → X, if present.
std::optional<std::string> parse_sched_ext_enabled(const std::vector<KmsgRecord>& records);

}  // namespace ktstr::guest
