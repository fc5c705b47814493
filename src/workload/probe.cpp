#include "workload/probe.hpp"

#include <sched.h>

#include "workload/clock.hpp"

namespace ktstr::workload {

Probe::Probe(uint64_t seed) : wakes_(kMaxWakeSamples, seed) {}

void Probe::begin() {
  start_sched_ = read_schedstat();
  start_numa_migrated_ = read_numa_pages_migrated();
  start_cpu_ns_ = thread_cpu_ns();
  start_ns_ = now_ns();
  last_ns_ = start_ns_;
  observe_cpu();
}

void Probe::observe_cpu() {
  // sched_getcpu is an rseq/vDSO read on current glibc: cheap enough per
  // checkpoint, and a change between checkpoints is a migration.
  int cpu = ::sched_getcpu();
  if (cpu < 0) return;
  if (last_cpu_ >= 0 && cpu != last_cpu_) ++migrations_;
  if (static_cast<size_t>(cpu) < cpus_.size()) cpus_.set(static_cast<size_t>(cpu));
  last_cpu_ = cpu;
}

void Probe::checkpoint() {
  uint64_t now = now_ns();
  uint64_t gap = now - last_ns_;
  const uint64_t gap_start = last_ns_;
  last_ns_ = now;
  observe_cpu();
  if (gap > max_gap_ns_) {
    max_gap_ns_ = gap;
    max_gap_cpu_ = last_cpu_;  // where it finally ran again
    max_gap_at_ns_ = gap_start - start_ns_;
  }
}

void Probe::block_begin() { checkpoint(); }

void Probe::block_end() {
  last_ns_ = now_ns();
  observe_cpu();
}

void Probe::block_end_woken(uint64_t expected_wake_ns) {
  block_end();
  wakes_.add(last_ns_ > expected_wake_ns ? last_ns_ - expected_wake_ns : 0);
}

void Probe::finish(WorkerReport& r) {
  uint64_t end = now_ns();
  uint64_t cpu = thread_cpu_ns() - start_cpu_ns_;
  r.wall_time_ns = end - start_ns_;
  r.cpu_time_ns = cpu;
  r.off_cpu_ns = r.wall_time_ns > cpu ? r.wall_time_ns - cpu : 0;
  r.migrations = migrations_;
  r.cpus_used.clear();
  for (size_t c = 0; c < cpus_.size(); ++c)
    if (cpus_.test(c)) r.cpus_used.push_back(static_cast<uint32_t>(c));
  r.max_gap_ns = max_gap_ns_;
  r.max_gap_cpu = max_gap_cpu_;
  r.max_gap_at_ns = max_gap_at_ns_;
  r.wake_samples_seen = wakes_.seen();
  r.wake_latencies_ns = wakes_.take();
  auto end_sched = read_schedstat();
  if (start_sched_ && end_sched) {
    r.schedstat.available = true;
    r.schedstat.cpu_time_ns = end_sched->cpu_time_ns - start_sched_->cpu_time_ns;
    r.schedstat.run_delay_ns = end_sched->run_delay_ns - start_sched_->run_delay_ns;
    r.schedstat.run_count = end_sched->run_count - start_sched_->run_count;
  }
  // Already taken when the loop saw the stop (WorkerContext::stop_requested):
  // numa_maps is not cheap for a worker starved of CPU at that moment.
  if (r.numa_pages.empty()) r.numa_pages = read_numa_pages();
  auto end_migrated = read_numa_pages_migrated();
  if (start_numa_migrated_ && end_migrated && *end_migrated >= *start_numa_migrated_)
    r.numa_pages_migrated = *end_migrated - *start_numa_migrated_;
}

}  // namespace ktstr::workload
