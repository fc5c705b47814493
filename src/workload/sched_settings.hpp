#pragma once
// Per-worker scheduling knobs applied by the parent to a worker's pid
// (workers are single-threaded, so pid == tid and the calls act on the
// worker alone). Affinity *kinds* are resolved by the scenario layer; this
// module only applies a concrete CPU list (ktstr::CpuList, the one CPU-set
// type).
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/cpu_list.hpp"

namespace ktstr::workload {

struct SchedPolicy {
  enum class Kind { Normal, Batch, Idle, Fifo, Rr };
  Kind kind = Kind::Normal;
  int priority = 0;  // 1..99 for Fifo/Rr, ignored otherwise

  static constexpr SchedPolicy normal() { return {}; }
  static constexpr SchedPolicy batch() { return {Kind::Batch, 0}; }
  static constexpr SchedPolicy idle() { return {Kind::Idle, 0}; }
  static constexpr SchedPolicy fifo(int prio) { return {Kind::Fifo, prio}; }
  static constexpr SchedPolicy rr(int prio) { return {Kind::Rr, prio}; }

  constexpr bool realtime() const { return kind == Kind::Fifo || kind == Kind::Rr; }
  int linux_policy() const;  // SCHED_OTHER, SCHED_BATCH, ...
  std::string name() const;  // "normal", "fifo(50)", ...
  void validate() const;     // throws ktstr::Error on a bad priority
  bool operator==(const SchedPolicy&) const = default;
};

// A NUMA memory policy the worker sets on itself (set_mempolicy(2) acts on
// the calling thread only) right after its start, before any work.
struct MemPolicySetting {
  int mode = 0;          // MPOL_BIND, MPOL_PREFERRED, ... (linux/mempolicy.h)
  unsigned flags = 0;    // MPOL_F_STATIC_NODES / MPOL_F_RELATIVE_NODES
  uint64_t nodemask = 0;  // bit n = node n (nodes >= 64 are refused by the scenario layer)
  std::string describe;  // "bind(1)" for messages
  bool operator==(const MemPolicySetting&) const = default;
};
// Calls set_mempolicy(2); throws ktstr::Error naming the policy and errno.
void apply_mempolicy_self(const MemPolicySetting& m);

// What start() applies to each worker after the caller moved it into its
// cgroup (a cpuset cgroup move resets affinity, so affinity must come last).
struct WorkerSettings {
  SchedPolicy policy;          // Normal = leave as inherited
  std::optional<int> nice;     // -20..19
  std::optional<CpuList> affinity;  // nullopt = inherit (no call)
  std::optional<MemPolicySetting> mempolicy;  // applied by the worker itself
};

// Each throws ktstr::Error naming the pid and the failing call.
void apply_policy(pid_t pid, const SchedPolicy& p);
void apply_nice(pid_t pid, int nice);
void apply_affinity(pid_t pid, const CpuList& cpus);
void apply_settings(pid_t pid, const WorkerSettings& s);

// Current affinity of `pid` (0 = self), sorted.
CpuList get_affinity(pid_t pid);

}  // namespace ktstr::workload
