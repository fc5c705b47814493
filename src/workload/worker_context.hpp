#pragma once
// What a work loop sees inside the worker process: its work type, its place
// in its group, the probe, and helpers that count work and bracket
// voluntary blocking correctly. Custom work functions get this too.
#include <cstdint>
#include <map>
#include <optional>
#include <random>

#include "workload/group_link.hpp"
#include "workload/probe.hpp"
#include "workload/work_type.hpp"

namespace ktstr::workload {

class WorkerContext {
 public:
  WorkerContext(const WorkType& work, size_t index, GroupLink link, uint64_t seed);

  const WorkType& work() const { return work_; }
  size_t index() const { return index_; }
  const GroupLink& link() const { return link_; }
  Probe& probe() { return probe_; }
  std::mt19937_64& rng() { return rng_; }
  bool stop_requested() const;

  uint64_t work_units() const { return units_; }
  uint64_t iterations() const { return iterations_; }
  void add_units(uint64_t n) { units_ += n; }

  // Set by group work loops once a partner process is gone (EOF/EPIPE), so
  // the survivor keeps computing instead of waiting forever.
  bool peer_gone() const { return peer_gone_; }
  void mark_peer_gone() { peer_gone_ = true; }

  // `units` spin units of compute, counted as work.
  void spin(uint64_t units);
  // Ends an outer iteration: counts it and takes a checkpoint.
  void end_iteration();

  // Voluntary blocking, excluded from gaps.
  void yield();
  // Sleeps `ns` on an absolute deadline and records the wake latency.
  // Returns early (without a sample) when a stop was requested.
  void sleep_ns(uint64_t ns);

 private:
  const WorkType& work_;
  size_t index_;
  GroupLink link_;
  Probe probe_;
  std::mt19937_64 rng_;
  uint64_t units_ = 0;
  uint64_t iterations_ = 0;
  uint64_t spin_state_ = 1;
  bool peer_gone_ = false;
  // numa_maps per node when the loop first saw the stop (see stop_requested).
  mutable std::optional<std::map<int, uint64_t>> numa_at_stop_;

 public:
  const std::optional<std::map<int, uint64_t>>& numa_at_stop() const { return numa_at_stop_; }
};

}  // namespace ktstr::workload
