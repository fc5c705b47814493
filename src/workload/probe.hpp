#pragma once
// Progress bookkeeping inside a worker: checkpoints, the longest
// compute-only gap, CPU changes, wake latencies, CPU/wall/schedstat deltas.
//
// Gap rule (PRODUCT.md §3 "scheduling gap"): a gap is the time between two
// consecutive checkpoints while the worker meant to be computing. Work loops
// bracket voluntary blocking (sleep, yield, pipe/futex/mutex waits, I/O)
// with block_begin()/block_end*(), and the blocked span is never a gap.
#include <bitset>
#include <cstdint>
#include <optional>

#include "workload/proc_stats.hpp"
#include "workload/report.hpp"
#include "workload/reservoir.hpp"

namespace ktstr::workload {

class Probe {
 public:
  explicit Probe(uint64_t seed = 1);

  // Call once when the worker is released; starts all clocks.
  void begin();
  // A progress point inside compute.
  void checkpoint();
  // About to block on purpose: closes the current compute span.
  void block_begin();
  // Back from blocking; the next gap starts now.
  void block_end();
  // Back from a wait that should have ended at expected_wake_ns (monotonic);
  // records now - expected as a wake latency sample.
  void block_end_woken(uint64_t expected_wake_ns);
  void add_wake_latency(uint64_t ns) { wakes_.add(ns); }

  uint64_t start_ns() const { return start_ns_; }
  uint64_t max_gap_ns() const { return max_gap_ns_; }
  uint64_t migrations() const { return migrations_; }

  // Fills the timing, CPU, gap, wake, schedstat and NUMA fields of `r`.
  void finish(WorkerReport& r);

 private:
  void observe_cpu();

  uint64_t start_ns_ = 0;
  uint64_t start_cpu_ns_ = 0;
  std::optional<SchedstatSample> start_sched_;
  std::optional<uint64_t> start_numa_migrated_;
  uint64_t last_ns_ = 0;
  int last_cpu_ = -1;
  uint64_t migrations_ = 0;
  std::bitset<1024> cpus_;  // CPU_SETSIZE
  uint64_t max_gap_ns_ = 0;
  int max_gap_cpu_ = -1;
  uint64_t max_gap_at_ns_ = 0;
  Reservoir wakes_;
};

}  // namespace ktstr::workload
