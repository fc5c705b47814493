#pragma once
// Things a step does to the running system before (and, with a loop hold,
// repeatedly during) its hold.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ktstr/scenario/cpuset_spec.hpp"
#include "ktstr/scenario/work.hpp"

namespace ktstr::scenario {
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

}  // namespace op

using Op = std::variant<op::AddCgroup, op::RemoveCgroup, op::SetCpuset, op::ClearCpuset, op::SwapCpusets,
                        op::SpawnWorkers, op::StopWorkers, op::SetAffinity, op::SpawnHost, op::MoveTasks,
                        op::RunPayload, op::WaitPayload, op::KillPayload>;

// "set_cpuset" etc.: the JSON tag and the name used in messages.
std::string_view op_name(const Op& o);
// Cgroups the op needs to exist (for add_cgroup: none; it creates one).
std::vector<std::string> op_cgroups(const Op& o);

}  // namespace ktstr::scenario
