#pragma once
// Reads one Sample from a running guest kernel. Addresses are re-derived
// on every sample (the per-CPU run queues from __per_cpu_offset, the
// sched_ext root from scx_root), so a scheduler that detaches and attaches
// again, or a new scx_sched instance, is followed without any caching.
#include <cstdint>

#include "monitor/expected.hpp"
#include "monitor/guest_kernel.hpp"
#include "monitor/sample.hpp"
#include "monitor/sched_layout.hpp"

namespace ktstr::monitor {

class Sampler {
 public:
  // `kernel` must be attached; `cpus` the number of vCPUs the VM has.
  Sampler(const GuestKernel& kernel, const SchedLayout& layout, unsigned cpus);

  // Fails only when nothing could be read (e.g. the run queues are not
  // set up yet early in boot); a CPU whose fields fail is marked offline.
  Expected<Sample> take(double t) const;

  // Bound of the waiting-task walk per CPU (a corrupt list must not spin).
  static constexpr unsigned kMaxWalk = 256;

 private:
  Expected<uint64_t> field(uint64_t base, const Field& f) const;
  void read_cpu(unsigned cpu, uint64_t rq, CpuSample& out) const;
  void walk_waiting(uint64_t rq, CpuSample& out) const;
  void read_events(uint64_t sch, Sample& s) const;
  uint64_t sym(uint64_t link) const { return link ? link + k_.kaslr_offset() : 0; }

  const GuestKernel& k_;
  const SchedLayout& l_;
  unsigned cpus_;
};

}  // namespace ktstr::monitor
