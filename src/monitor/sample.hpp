#pragma once
// One monitor sample: the guest's scheduler state at one instant, read from
// its memory while it runs (no pause: every field is one aligned word the
// guest updates atomically, and a sample is a snapshot of many CPUs that a
// 100 ms cadence makes statistically, not transactionally, consistent).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ktstr::monitor {

// CPU set as bits; 512 covers every topology ktstr can boot (252 CPUs max).
struct CpuBits {
  std::array<uint64_t, 8> w{};
  void set(unsigned cpu) {
    if (cpu < 512) w[cpu / 64] |= uint64_t{1} << (cpu % 64);
  }
  bool test(unsigned cpu) const { return cpu < 512 && ((w[cpu / 64] >> (cpu % 64)) & 1); }
  void merge(const CpuBits& o) {
    for (size_t i = 0; i < w.size(); ++i) w[i] |= o.w[i];
  }
  bool any() const {
    for (auto x : w)
      if (x) return true;
    return false;
  }
};

struct CpuSample {
  bool online = true;
  uint32_t nr_running = 0;       // rq->nr_running, every class
  uint32_t scx_nr_running = 0;   // rq->scx.nr_running
  uint32_t local_dsq = 0;        // rq->scx.local_dsq.nr
  uint32_t scx_flags = 0;        // rq->scx.flags
  uint64_t clock = 0;            // rq->clock, ns
  bool idle = false;             // rq->curr == rq->idle
  uint64_t nr_switches = 0;
  // schedstat (0 when the kernel lacks them)
  uint64_t run_delay_ns = 0, pcount = 0, yld_count = 0, sched_count = 0, sched_goidle = 0, ttwu_count = 0,
           ttwu_local = 0;
  // sched_ext tasks queued on this CPU but not running (rq->scx.runnable_list)
  uint32_t waiting = 0;
  bool waiting_truncated = false;  // more than the walk's bound
  int32_t head_pid = 0;            // the longest-waiting one
  uint64_t head_runnable_at = 0;   // its runnable_at (jiffies)
  CpuBits waiting_allowed;         // union of their allowed CPUs
  // This CPU's SCX_EV_DISPATCH_KEEP_LAST counter (the root scheduler's
  // per-CPU event stats; 0 when unread).
  int64_t keep_last = 0;
};

struct Sample {
  double t = 0;              // host seconds since the VM started
  uint64_t jiffies = 0;
  bool scx_enabled = false;  // a sched_ext scheduler is attached and enabled
  uint64_t scx_root = 0;     // its scx_sched (0 before 7.1 or when none)
  int64_t enable_seq = -1;   // scx_enable_seq (-1: unknown)
  std::vector<CpuSample> cpus;
  std::vector<int64_t> events;  // SchedLayout::events order, summed over CPUs; empty if unread
  double read_us = 0;           // host time the sample took
};

}  // namespace ktstr::monitor
