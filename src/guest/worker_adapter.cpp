#include "guest/worker_adapter.hpp"

#include <linux/mempolicy.h>

#include "util/error.hpp"
#include "workload/work_type_params.hpp"

namespace ktstr::guest {

check::WorkerStats to_worker_stats(const workload::WorkerReport& r) {
  check::WorkerStats s;
  s.index = static_cast<uint32_t>(r.index);
  s.pid = r.pid;
  s.reported = r.exit_kind == workload::ExitKind::Reported;
  s.completed = r.completed;
  s.exit = r.describe_exit();
  s.work_units = r.work_units;
  s.iterations = r.iterations;
  s.cpu_time_ns = r.cpu_time_ns;
  s.wall_time_ns = r.wall_time_ns;
  s.off_cpu_ns = r.off_cpu_ns;
  s.migrations = r.migrations;
  s.cpus_used = r.cpus_used;
  s.max_gap_ns = r.max_gap_ns;
  s.max_gap_cpu = r.max_gap_cpu < 0 ? 0 : static_cast<uint32_t>(r.max_gap_cpu);
  s.max_gap_at_ns = r.max_gap_at_ns;
  s.wake_latencies_ns = r.wake_latencies_ns;
  s.run_delay_ns = r.schedstat.run_delay_ns;
  s.run_count = r.schedstat.run_count;
  for (const auto& [node, pages] : r.numa_pages) {
    if (node < 0) continue;
    if (s.numa_pages.size() <= static_cast<size_t>(node)) s.numa_pages.resize(node + 1, 0);
    s.numa_pages[node] = pages;
  }
  s.numa_migrated_pages = r.numa_pages_migrated;
  return s;
}

workload::SchedPolicy to_workload_policy(const scenario::SchedPolicy& p) {
  using K = scenario::SchedPolicy::Kind;
  int prio = static_cast<int>(p.priority);
  switch (p.kind) {
    case K::normal: return workload::SchedPolicy::normal();
    case K::batch: return workload::SchedPolicy::batch();
    case K::idle: return workload::SchedPolicy::idle();
    case K::fifo: return workload::SchedPolicy::fifo(prio);
    case K::rr: return workload::SchedPolicy::rr(prio);
  }
  return workload::SchedPolicy::normal();
}

std::optional<workload::MemPolicySetting> to_mempolicy(const scenario::MemPolicy& m) {
  using M = scenario::MemPolicy::Mode;
  workload::MemPolicySetting s;
  switch (m.mode) {
    case M::default_policy: return std::nullopt;
    case M::bind: s.mode = MPOL_BIND; break;
    case M::preferred: s.mode = MPOL_PREFERRED; break;
    case M::interleave: s.mode = MPOL_INTERLEAVE; break;
    case M::local: s.mode = MPOL_LOCAL; break;
    case M::preferred_many: s.mode = MPOL_PREFERRED_MANY; break;
    case M::weighted_interleave: s.mode = MPOL_WEIGHTED_INTERLEAVE; break;
  }
  if (m.static_nodes) s.flags |= MPOL_F_STATIC_NODES;
  if (m.relative_nodes) s.flags |= MPOL_F_RELATIVE_NODES;
  for (uint32_t n : m.nodes) {
    if (n >= 64) fail("memory policy {}: node {} is beyond the 64 nodes ktstr's workers support", m.to_string(), n);
    s.nodemask |= uint64_t{1} << n;
  }
  s.describe = m.to_string();
  return s;
}

workload::GroupSpec make_group_spec(const scenario::Work& w, uint32_t count,
                                    std::vector<CpuList> affinity_per_worker) {
  workload::GroupSpec g;
  g.work = workload::make_work_type(w.type, w.params);
  g.workers = count;
  g.settings.policy = to_workload_policy(w.policy);
  g.settings.mempolicy = to_mempolicy(w.mem_policy);
  g.affinity_per_worker = std::move(affinity_per_worker);
  return g;
}

}  // namespace ktstr::guest
