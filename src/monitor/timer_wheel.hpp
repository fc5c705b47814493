#pragma once
// Moving one pending kernel timer so that it expires now. The sched_ext
// watchdog's delayed work is queued with the scheduler's original timeout/2
// (15 s by default) when the scheduler attaches, and nothing in the kernel
// re-arms it earlier; a shortened timeout only takes effect once that timer
// has fired. The kernel's own mod_timer() would re-file the timer in the
// wheel; from the host we do the same edits, mirroring kernel/time/timer.c
// (detach_if_pending + enqueue_timer + forward_timer_base).
//
// Only safe while every vCPU is stopped (vm::VmControl::pause): the wheel is
// protected by a spinlock the host cannot take race-free (TCG runs guest
// atomics non-atomically in single-threaded mode). Even then we refuse
// when the base's lock is held or a timer callback is running there.
#include <cstdint>

#include "monitor/expected.hpp"
#include "monitor/guest_kernel.hpp"

namespace ktstr::monitor {

// include/linux/timer.h, stable since 4.8.
inline constexpr uint32_t kTimerCpuMask = 0x0003FFFF;
inline constexpr uint32_t kTimerMigrating = 0x00040000;
inline constexpr uint32_t kTimerDeferrable = 0x00080000;
inline constexpr uint32_t kTimerPinned = 0x00100000;
inline constexpr uint32_t kTimerArrayShift = 22;

// Bucket of the wheel for a timer expiring at `expires` when the base's
// clock is `clk`, and the jiffy that bucket expires at (calc_wheel_index).
unsigned calc_wheel_index(uint64_t expires, uint64_t clk, unsigned depth, uint64_t* bucket_expiry);

struct TimerWheelLayout {
  uint64_t timer_bases = 0;  // per-CPU array symbol
  uint64_t nr_bases = 1, base_size = 0;
  uint64_t lock = 0, running_timer = 0, clk = 0, next_expiry = 0, next_expiry_recalc = 0, is_idle = 0,
           timers_pending = 0, pending_map = 0, vectors = 0;
  unsigned depth = 0;  // LVL_DEPTH: wheel levels of 64 buckets
  uint64_t entry = 0, expires = 0, function = 0, flags = 0;  // in timer_list
  uint64_t node_next = 0, node_pprev = 0;                    // in hlist_node
  uint64_t cpu_online_mask = 0, nr_cpu_ids = 0;

  static Expected<TimerWheelLayout> resolve(const KernelImage& img);
  // Symbol addresses moved by a KASLR offset.
  TimerWheelLayout relocated(uint64_t kaslr_offset) const;
};

struct PullResult {
  unsigned from_cpu = 0, to_cpu = 0;
  uint64_t old_expires = 0, new_expires = 0, bucket_expiry = 0;
  bool target_idle = false;  // no awake CPU found; kept on an idle base
};

// Re-files the pending timer at `timer_va` to expire at the current jiffy,
// on a CPU whose timer base is awake (its tick will run it). `function`
// must match timer->function (guards against a wrong object).
Expected<PullResult> pull_timer_now(const GuestKernel& k, const TimerWheelLayout& l, uint64_t timer_va,
                                    uint64_t function);

}  // namespace ktstr::monitor
