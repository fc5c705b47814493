#pragma once
// What the worker checks read: one entry per worker of a Work group. The
// guest adapts its workload reports into this, so the checks stay pure logic
// and testable with hand-built numbers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ktstr/cpu_list.hpp"

namespace ktstr::check {

struct WorkerStats {
  uint32_t index = 0;  // position in its Work group ("worker 3")
  int32_t pid = 0;
  // false: the worker never reported and this is the sentinel standing in
  // for it; its counters are zero so the starvation check fails it.
  bool reported = true;
  bool completed = true;  // ran until asked to stop
  std::string exit;       // how it ended, e.g. "exited 0", "killed by signal 9"

  uint64_t work_units = 0;
  uint64_t iterations = 0;
  uint64_t cpu_time_ns = 0;
  uint64_t wall_time_ns = 0;
  uint64_t off_cpu_ns = 0;  // runnable or blocked, not running
  uint64_t migrations = 0;
  CpuList cpus_used;

  uint64_t max_gap_ns = 0;     // longest stretch without a progress checkpoint
  uint32_t max_gap_cpu = 0;    // CPU it resumed on after that gap
  uint64_t max_gap_at_ns = 0;  // when the gap started, from the worker's start

  std::vector<uint64_t> wake_latencies_ns;  // reservoir sample
  uint64_t run_delay_ns = 0;                // schedstat: time spent waiting on a run queue
  uint64_t run_count = 0;                   // schedstat: times it got a CPU

  std::vector<uint64_t> numa_pages;  // resident pages per node (index = node)
  uint64_t numa_migrated_pages = 0;  // pages moved between nodes during the run
};

// One Work group: its workers plus the facts needed to judge them.
struct GroupInput {
  std::string cgroup;     // "cg_0", "cg_1/sub_a"
  std::string work_type;  // for reports only
  std::vector<WorkerStats> workers;
  // The cgroup's effective cpuset; unset = no cpuset, isolation not judged.
  std::optional<CpuList> cpuset;
  std::vector<uint32_t> expected_nodes;   // from the memory policy; empty = locality not judged
  std::vector<uint32_t> slow_tier_nodes;  // memory-only nodes
};

}  // namespace ktstr::check
