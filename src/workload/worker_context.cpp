#include "workload/worker_context.hpp"

#include "workload/proc_stats.hpp"

#include <sched.h>
#include <time.h>

#include <cerrno>

#include "workload/clock.hpp"
#include "workload/spin.hpp"
#include "workload/stop_flag.hpp"

namespace ktstr::workload {

WorkerContext::WorkerContext(const WorkType& work, size_t index, GroupLink link, uint64_t seed)
    : work_(work), index_(index), link_(link), probe_(seed), rng_(seed) {}

bool WorkerContext::stop_requested() const {
  if (!workload::stop_requested()) return false;
  // The first time the loop sees the stop its buffers are still mapped: the
  // report's NUMA pages per node are read here, not after they are freed.
  if (!numa_at_stop_) numa_at_stop_ = read_numa_pages();
  return true;
}

void WorkerContext::spin(uint64_t units) {
  spin_state_ = spin_units(units, spin_state_);
  units_ += units;
}

void WorkerContext::end_iteration() {
  ++iterations_;
  probe_.checkpoint();
}

void WorkerContext::yield() {
  probe_.block_begin();
  ::sched_yield();
  probe_.block_end();
}

void WorkerContext::sleep_ns(uint64_t ns) {
  probe_.block_begin();
  const uint64_t target = now_ns() + ns;
  const timespec ts = to_timespec(target);
  while (true) {
    int rc = ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
    if (rc == 0) break;
    if (rc == EINTR && stop_requested()) {
      probe_.block_end();
      return;
    }
    if (rc != EINTR) break;
  }
  probe_.block_end_woken(target);
}

}  // namespace ktstr::workload
