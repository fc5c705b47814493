#include "scenario/op.hpp"

#include "scenario/overload.hpp"

namespace ktstr::scenario {

std::string_view op_name(const Op& o) {
  return std::visit(Overload{
                        [](const op::AddCgroup&) { return "add_cgroup"; },
                        [](const op::RemoveCgroup&) { return "remove_cgroup"; },
                        [](const op::SetCpuset&) { return "set_cpuset"; },
                        [](const op::ClearCpuset&) { return "clear_cpuset"; },
                        [](const op::SwapCpusets&) { return "swap_cpusets"; },
                        [](const op::SpawnWorkers&) { return "spawn_workers"; },
                        [](const op::StopWorkers&) { return "stop_workers"; },
                        [](const op::SetAffinity&) { return "set_affinity"; },
                        [](const op::SpawnHost&) { return "spawn_host"; },
                        [](const op::MoveTasks&) { return "move_tasks"; },
                        [](const op::RunPayload&) { return "run_payload"; },
                        [](const op::WaitPayload&) { return "wait_payload"; },
                        [](const op::KillPayload&) { return "kill_payload"; },
                    },
                    o);
}

std::vector<std::string> op_cgroups(const Op& o) {
  using V = std::vector<std::string>;
  return std::visit(Overload{
                        [](const op::AddCgroup&) { return V{}; },
                        [](const op::RemoveCgroup& x) { return V{x.cgroup}; },
                        [](const op::SetCpuset& x) { return V{x.cgroup}; },
                        [](const op::ClearCpuset& x) { return V{x.cgroup}; },
                        [](const op::SwapCpusets& x) {
                          return V{x.a, x.b};
                        },
                        [](const op::SpawnWorkers& x) { return V{x.cgroup}; },
                        [](const op::StopWorkers& x) { return V{x.cgroup}; },
                        [](const op::SetAffinity& x) { return V{x.cgroup}; },
                        [](const op::SpawnHost&) { return V{}; },
                        [](const op::MoveTasks& x) {
                          return V{x.from, x.to};
                        },
                        [](const op::RunPayload& x) { return x.cgroup ? V{*x.cgroup} : V{}; },
                        [](const op::WaitPayload&) { return V{}; },
                        [](const op::KillPayload&) { return V{}; },
                    },
                    o);
}

}  // namespace ktstr::scenario
