#pragma once
// Where the scheduler state the sampler reads lives in a given kernel: the
// per-CPU run queue (struct rq) and its sched_ext part, the sched_ext root
// scheduler and its event counters, and the task fields needed to walk a
// run queue's waiting tasks. Everything is looked up by name through the
// kernel's BTF and kallsyms, so a field a kernel lacks (or renamed) turns
// the feature that needs it off with a note instead of failing the monitor.
#include <cstdint>
#include <string>
#include <vector>

#include "monitor/kernel_image.hpp"

namespace ktstr::monitor {

// A member's offset and width (1, 2, 4 or 8 bytes); size 0 = absent.
struct Field {
  uint64_t off = 0;
  uint8_t size = 0;
  bool ok() const { return size != 0; }
};

struct SchedLayout {
  // --- symbols (link-time addresses; add the guest's KASLR offset) ---
  uint64_t runqueues = 0;       // per-CPU struct rq; 0: no sampling at all
  uint64_t nr_cpu_ids = 0;
  uint64_t cpu_online_mask = 0;
  uint64_t scx_root = 0;        // struct scx_sched * (7.1+)
  uint64_t scx_enable_state = 0;
  uint64_t scx_enable_seq = 0;
  uint64_t event_stats_pcpu = 0;  // pre-7.1: a per-CPU struct scx_event_stats
  int64_t state_enabled = 1;

  // --- struct rq ---
  Field nr_running, clock, curr, idle, nr_switches;
  Field scx_nr_running, scx_flags, local_dsq_nr;
  uint64_t runnable_list = 0;   // offsetof(rq, scx.runnable_list); 0: absent
  Field run_delay, pcount, yld_count, sched_count, sched_goidle, ttwu_count, ttwu_local;

  // --- task_struct (the runnable-list walk) ---
  uint64_t task_runnable_node = 0;  // offsetof(task_struct, scx.runnable_node)
  Field task_runnable_at, task_pid, task_cpus_ptr;
  uint64_t list_next = 0;           // offsetof(list_head, next)

  // --- sched_ext root and its event counters ---
  Field sched_pcpu;                 // scx_sched.pcpu (per-CPU pointer)
  Field sched_exit_kind;
  uint64_t pcpu_event_stats = 0;    // offsetof(scx_sched_pcpu, event_stats)
  struct Event {
    std::string name;  // SCX_EV_SELECT_CPU_FALLBACK, ...
    uint64_t off = 0;  // inside struct scx_event_stats
  };
  std::vector<Event> events;

  // Why features are off ("no rq.scx.runnable_list: work conservation
  // and stall ages unavailable"), for the monitor summary.
  std::vector<std::string> notes;

  bool can_sample() const { return runqueues && nr_running.ok() && clock.ok(); }
  bool has_scx() const { return scx_enable_state != 0; }
  bool can_walk_waiting() const {
    return runnable_list && task_runnable_node && task_runnable_at.ok() && task_cpus_ptr.ok();
  }
  int event_index(std::string_view name) const;

  // Never throws: what cannot be found is noted.
  static SchedLayout resolve(const KernelImage& img);
};

}  // namespace ktstr::monitor
