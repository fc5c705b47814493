#pragma once
// Things a step does to the running system before (and, with a loop hold,
// repeatedly during) its hold.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ktstr/scenario/cgroup_controls.hpp"
#include "ktstr/scenario/cpuset_spec.hpp"
#include "ktstr/scenario/work.hpp"

namespace ktstr::scenario {

// A scheduler a lifecycle op starts: a built-in definition or binary name as
// `ktstr run --scheduler` takes it ("fixture", "simple", "scx_central"), the
// definition's flags to enable and extra loader args. The host resolves and
// packs every scheduler a scenario names before the VM boots.
struct SchedulerChoice {
  std::string name;
  std::vector<std::string> flags;
  std::vector<std::string> args;

  static SchedulerChoice named(std::string name, std::vector<std::string> flags = {}) {
    return {std::move(name), std::move(flags), {}};
  }
  // "fixture", "fixture+exit-early", "simple -v": names its launch in the
  // guest request and reads well in messages.
  std::string key() const;
  bool operator==(const SchedulerChoice&) const = default;
};

namespace op {

// An empty cgroup (no workers) — e.g. the parent of nested cgroups, or a
// target for move_tasks.
struct AddCgroup {
  std::string cgroup;
  std::optional<CpusetSpec> cpuset;
  bool operator==(const AddCgroup&) const = default;
};
// Stops the cgroup's workers, then removes it.
struct RemoveCgroup {
  std::string cgroup;
  bool operator==(const RemoveCgroup&) const = default;
};
struct SetCpuset {
  std::string cgroup;
  CpusetSpec cpuset;
  bool operator==(const SetCpuset&) const = default;
};
struct ClearCpuset {
  std::string cgroup;
  bool operator==(const ClearCpuset&) const = default;
};
struct SwapCpusets {
  std::string a, b;
  bool operator==(const SwapCpusets&) const = default;
};
struct SpawnWorkers {
  std::string cgroup;
  Work work;
  bool operator==(const SpawnWorkers&) const = default;
};
struct StopWorkers {
  std::string cgroup;
  bool operator==(const StopWorkers&) const = default;
};
struct SetAffinity {
  std::string cgroup;
  AffinityKind affinity;
  bool operator==(const SetAffinity&) const = default;
};
// Workers in the harness's own cgroup: contention from outside the test's
// cgroups, like other load on a host.
struct SpawnHost {
  Work work;
  bool operator==(const SpawnHost&) const = default;
};
struct MoveTasks {
  std::string from, to;
  bool operator==(const MoveTasks&) const = default;
};
// Starts a payload binary declared by the test, optionally inside a cgroup.
struct RunPayload {
  std::string payload;
  std::vector<std::string> args;
  std::optional<std::string> cgroup;
  bool operator==(const RunPayload&) const = default;
};
struct WaitPayload {
  std::string payload;
  std::optional<uint32_t> timeout_ms;  // unset: until the scenario deadline
  bool operator==(const WaitPayload&) const = default;
};
struct KillPayload {
  std::string payload;
  bool operator==(const KillPayload&) const = default;
};

// cgroup controller settings (cpu.weight, cpu.max, ...) changed mid-run;
// only the fields set are written.
struct SetCgroup {
  std::string cgroup;
  CgroupControls controls;
  bool operator==(const SetCgroup&) const = default;
};
// cgroup.freeze = 1, returning once the kernel reports the cgroup frozen.
struct Freeze {
  std::string cgroup;
  bool operator==(const Freeze&) const = default;
};
struct Thaw {
  std::string cgroup;
  bool operator==(const Thaw&) const = default;
};

// Scheduler lifecycle while workers run. Each new scheduler gets the same
// supervision and verdicts as one started before the scenario (died before
// attaching, never attached, died, ejected, unclean unregistration).
// Attach: EEVDF -> sched_ext (fails if one is attached).
struct AttachScheduler {
  SchedulerChoice scheduler;
  bool operator==(const AttachScheduler&) const = default;
};
// Detach: sched_ext -> EEVDF; the scheduler must unregister cleanly.
struct DetachScheduler {
  bool operator==(const DetachScheduler&) const = default;
};
// Stop the current scheduler and start the same one again.
struct RestartScheduler {
  bool operator==(const RestartScheduler&) const = default;
};
// A -> B: stop the current one (if any), start `scheduler`.
struct ReplaceScheduler {
  SchedulerChoice scheduler;
  bool operator==(const ReplaceScheduler&) const = default;
};

}  // namespace op

using Op = std::variant<op::AddCgroup, op::RemoveCgroup, op::SetCpuset, op::ClearCpuset, op::SwapCpusets,
                        op::SpawnWorkers, op::StopWorkers, op::SetAffinity, op::SpawnHost, op::MoveTasks,
                        op::RunPayload, op::WaitPayload, op::KillPayload, op::SetCgroup, op::Freeze, op::Thaw,
                        op::AttachScheduler, op::DetachScheduler, op::RestartScheduler, op::ReplaceScheduler>;

// "set_cpuset" etc.: the JSON tag and the name used in messages.
std::string_view op_name(const Op& o);
// Cgroups the op needs to exist (for add_cgroup: none; it creates one).
std::vector<std::string> op_cgroups(const Op& o);
// The scheduler a lifecycle op starts (attach/replace), if any.
const SchedulerChoice* op_scheduler(const Op& o);
// Every scheduler the scenario's ops start, each once, in order of appearance.
struct Scenario;
std::vector<SchedulerChoice> scenario_schedulers(const Scenario& s);
// attach / detach / restart / replace_scheduler.
bool is_scheduler_op(const Op& o);
// How many scheduler lifecycle ops the scenario applies (a loop hold's
// repeats not counted).
size_t count_scheduler_ops(const Scenario& s);

}  // namespace ktstr::scenario
