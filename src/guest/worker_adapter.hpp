#pragma once
// Glue between the declarative Work (scenario/), the process machinery
// (workload/) and the checks (check/).
#include "check/worker_stats.hpp"
#include "scenario/work.hpp"
#include "workload/report.hpp"
#include "workload/worker_group.hpp"

namespace ktstr::guest {

check::WorkerStats to_worker_stats(const workload::WorkerReport& r);
workload::SchedPolicy to_workload_policy(const scenario::SchedPolicy& p);
// nullopt for the default policy (no call); else the set_mempolicy(2) mode,
// flags and node mask. Nodes >= 64 throw ktstr::Error.
std::optional<workload::MemPolicySetting> to_mempolicy(const scenario::MemPolicy& m);
// The group spec for `count` workers of `w` with optional per-worker CPUs.
workload::GroupSpec make_group_spec(const scenario::Work& w, uint32_t count,
                                    std::vector<CpuList> affinity_per_worker);

}  // namespace ktstr::guest
