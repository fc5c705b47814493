#pragma once
// A Work group's workers as forked processes with a two-phase start:
//
//   WorkerGroup g(spec);          // fork N workers; each blocks on a gate
//   for (pid_t p : g.pids())      // caller: move into cgroups, ...
//     cgroup.add(p);
//   g.start();                    // apply policy/nice/affinity, open the gate
//   ... hold ...
//   auto& reports = g.stop();     // SIGUSR1, collect, SIGKILL stragglers
//
// Every worker yields exactly one report, in index order: its own, or a
// sentinel (completed=false, zero work) saying how it ended. The destructor
// SIGKILLs and reaps whatever is still alive, so nothing leaks on any path.
//
// Workers are created with PR_SET_PDEATHSIG, which fires when the *thread*
// that forked them exits: construct groups from a long-lived thread. The
// group reaps its own workers by pid; a waitpid(-1) reaper elsewhere in the
// process (PID 1's zombie reaping) must leave them alone while a group is
// alive, or their exit statuses are lost (reports still survive: they are
// read from memory, not from the status).
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <vector>

#include "workload/report.hpp"
#include "workload/sched_settings.hpp"
#include "workload/work_type.hpp"

namespace ktstr::workload {

struct GroupSpec {
  WorkType work;
  size_t workers = 2;
  // Applied to every worker by start(), after the caller's cgroup moves
  // (a cpuset move resets affinity, so affinity must come afterwards).
  WorkerSettings settings;
  // Optional per-worker affinity (e.g. random subsets); when non-empty it
  // must have one entry per worker and overrides settings.affinity.
  std::vector<CpuList> affinity_per_worker;
  // How long stop() waits for reports after signalling before SIGKILL.
  std::chrono::milliseconds stop_timeout{2000};
};

class WorkerGroup {
 public:
  // Validates the spec (ktstr::Error on zero workers, a count that is not a
  // multiple of the group size, bad priorities) and forks the workers.
  explicit WorkerGroup(GroupSpec spec);
  ~WorkerGroup();
  WorkerGroup(WorkerGroup&&) noexcept;
  WorkerGroup& operator=(WorkerGroup&&) noexcept;
  WorkerGroup(const WorkerGroup&) = delete;
  WorkerGroup& operator=(const WorkerGroup&) = delete;

  const GroupSpec& spec() const;
  size_t size() const;
  pid_t pid(size_t index) const;
  std::vector<pid_t> pids() const;
  bool started() const;
  bool stopped() const;

  // Applies the spec's settings to each worker, then releases all of them
  // at once. Throws ktstr::Error if a setting is refused (e.g. RT without
  // privilege); the workers then stay gated until stop() or destruction.
  void start();

  // Mid-run changes (the "set affinity of a cgroup's workers" op etc.).
  // Throw ktstr::Error if the worker has already exited.
  void set_affinity(size_t index, const CpuList& cpus);
  void set_policy(size_t index, const SchedPolicy& policy);
  void set_nice(size_t index, int nice);

  // Non-blocking: indices of workers that have already exited (they should
  // not have before stop(); a scenario can fail early on this).
  std::vector<size_t> exited();

  // Sends the stop signal (or, before start(), closes the gate), waits up to
  // spec.stop_timeout, SIGKILLs stragglers, reaps all, and returns one
  // report per worker. Idempotent: later calls return the same reports.
  const std::vector<WorkerReport>& stop();

 private:
  struct State;
  std::unique_ptr<State> st_;
};

}  // namespace ktstr::workload
