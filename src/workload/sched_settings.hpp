#pragma once
// Per-worker scheduling knobs applied by the parent to a worker's pid
// (workers are single-threaded, so pid == tid and the calls act on the
// worker alone). Affinity *kinds* are resolved by the scenario layer; this
// module only applies a concrete CPU list.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

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

using CpuList = std::vector<int>;

// What start() applies to each worker after the caller moved it into its
// cgroup (a cpuset cgroup move resets affinity, so affinity must come last).
struct WorkerSettings {
  SchedPolicy policy;          // Normal = leave as inherited
  std::optional<int> nice;     // -20..19
  std::optional<CpuList> affinity;  // nullopt = inherit (no call)
};

// Each throws ktstr::Error naming the pid and the failing call.
void apply_policy(pid_t pid, const SchedPolicy& p);
void apply_nice(pid_t pid, int nice);
void apply_affinity(pid_t pid, const CpuList& cpus);
void apply_settings(pid_t pid, const WorkerSettings& s);

// Current affinity of `pid` (0 = self), sorted.
CpuList get_affinity(pid_t pid);

}  // namespace ktstr::workload
