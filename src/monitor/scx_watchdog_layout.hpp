#pragma once
// Where the sched_ext watchdog's state lives in a given kernel, from its
// symbols and BTF (kernel/sched/ext/ext.c in 7.2):
//   7.1+  per scheduler: scx_sched.watchdog_timeout (jiffies), reached via
//         scx_root; the shared delayed work re-arms every
//         scx_watchdog_interval (half the shortest scheduler timeout).
//   older one static scx_watchdog_timeout; the work re-arms every timeout/2.
// Both: scx_watchdog_timestamp (last run of the work, checked by scx_tick)
// and the delayed work scx_watchdog_work itself.
#include <cstdint>

#include "monitor/expected.hpp"
#include "monitor/kernel_image.hpp"

namespace ktstr::monitor {

struct ScxWatchdogLayout {
  bool per_sched = true;            // 7.1+ layout
  uint64_t scx_root = 0;            // &scx_root (0 when absent on old kernels)
  uint64_t sched_timeout_off = 0;   // offsetof(scx_sched, watchdog_timeout)
  uint64_t sched_exit_kind_off = 0; // offsetof(scx_sched, exit_kind)
  uint64_t static_timeout = 0;      // &scx_watchdog_timeout (old kernels)
  uint64_t interval = 0;            // &scx_watchdog_interval (7.1+)
  uint64_t timestamp = 0;           // &scx_watchdog_timestamp
  uint64_t enable_state = 0;        // &scx_enable_state_var
  int64_t state_enabling = 0, state_enabled = 1;
  uint64_t enable_seq = 0;          // &scx_enable_seq (0 if absent)
  uint64_t work_timer = 0;          // &scx_watchdog_work.timer
  uint64_t timer_expires_off = 0;   // offsetof(timer_list, expires)
  uint64_t timer_entry_pprev_off = 0;

  // Errors name the missing symbol or member (a kernel without sched_ext).
  // Addresses are link-time; relocated() moves them by a KASLR offset.
  static Expected<ScxWatchdogLayout> resolve(const KernelImage& img);
  ScxWatchdogLayout relocated(uint64_t kaslr_offset) const;
};

}  // namespace ktstr::monitor
