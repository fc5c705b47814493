#include "scenario/op.hpp"

#include <algorithm>

#include "ktstr/scenario/scenario.hpp"
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
                        [](const op::SetCgroup&) { return "set_cgroup"; },
                        [](const op::Freeze&) { return "freeze"; },
                        [](const op::Thaw&) { return "thaw"; },
                        [](const op::AttachScheduler&) { return "attach_scheduler"; },
                        [](const op::DetachScheduler&) { return "detach_scheduler"; },
                        [](const op::RestartScheduler&) { return "restart_scheduler"; },
                        [](const op::ReplaceScheduler&) { return "replace_scheduler"; },
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
                        [](const op::SetCgroup& x) { return V{x.cgroup}; },
                        [](const op::Freeze& x) { return V{x.cgroup}; },
                        [](const op::Thaw& x) { return V{x.cgroup}; },
                        [](const auto&) { return V{}; },  // scheduler lifecycle ops
                    },
                    o);
}

const SchedulerChoice* op_scheduler(const Op& o) {
  if (auto* a = std::get_if<op::AttachScheduler>(&o)) return &a->scheduler;
  if (auto* r = std::get_if<op::ReplaceScheduler>(&o)) return &r->scheduler;
  return nullptr;
}

std::vector<SchedulerChoice> scenario_schedulers(const Scenario& s) {
  std::vector<SchedulerChoice> out;
  auto note = [&](const std::vector<Op>& ops) {
    for (const auto& o : ops)
      if (const auto* c = op_scheduler(o); c && std::find(out.begin(), out.end(), *c) == out.end())
        out.push_back(*c);
  };
  note(s.backdrop.ops);
  for (const auto& st : s.steps) note(st.ops);
  return out;
}

bool is_scheduler_op(const Op& o) {
  return std::holds_alternative<op::AttachScheduler>(o) || std::holds_alternative<op::DetachScheduler>(o) ||
         std::holds_alternative<op::RestartScheduler>(o) || std::holds_alternative<op::ReplaceScheduler>(o);
}

size_t count_scheduler_ops(const Scenario& s) {
  size_t n = std::count_if(s.backdrop.ops.begin(), s.backdrop.ops.end(), is_scheduler_op);
  for (const auto& st : s.steps) n += std::count_if(st.ops.begin(), st.ops.end(), is_scheduler_op);
  return n;
}

std::string SchedulerChoice::key() const {
  std::string k = name;
  for (const auto& f : flags) k += "+" + f;
  for (const auto& a : args) k += " " + a;
  return k;
}

}  // namespace ktstr::scenario
