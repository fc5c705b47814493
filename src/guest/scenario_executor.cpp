#include "guest/scenario_executor.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "util/cpu_list.hpp"
#include "check/worker_checks.hpp"
#include "check/control_checks.hpp"
#include "guest/cgroup_controls.hpp"
#include "guest/cgroup_manager.hpp"
#include "guest/control_tracker.hpp"
#include "guest/worker_adapter.hpp"
#include "scenario/affinity.hpp"
#include "scenario/overload.hpp"
#include "util/error.hpp"
#include "util/process.hpp"

namespace ktstr::guest {
namespace {
using Clock = std::chrono::steady_clock;
using ktstr::CpuList;
constexpr int kBackdrop = -1;

struct LiveGroup {
  std::string cgroup;  // "" = the harness's own cgroup (host contention)
  scenario::Work work;
  workload::WorkerGroup group;
  int owner;  // step index, or kBackdrop
  Clock::time_point released;  // when start() let the workers run
  // Union of every cpuset the framework gave this group's cgroup while it
  // ran (isolation judges against what ktstr itself allowed).
  bool unrestricted = false;
  CpuList allowed;
};

struct LivePayload {
  Child child;
  int owner;
};

struct CgroupState {
  std::optional<CpuList> cpuset;
  int owner;
};

class Executor {
 public:
  Executor(const scenario::Scenario& s, const ExecOptions& o)
      : s_(s), o_(o), cg_(o.cgroup_root, {}, needed_controllers(s)), tracker_(cg_, Clock::now()) {}

  ExecOutcome run() {
    deadline_ = Clock::now() + s_.settle + s_.duration;
    event("backdrop");
    for (const auto& op : s_.backdrop.ops) apply(op, kBackdrop);
    for (const auto& def : s_.backdrop.cgroups) create_def(def, kBackdrop);
    // Let cpuset changes settle before the measured part begins.
    if (!sleep_checked(s_.settle)) return finish();
    start_ = Clock::now();
    deadline_ = start_ + s_.duration;
    for (size_t i = 0; i < s_.steps.size() && abort_.empty(); ++i) {
      int step = static_cast<int>(i);
      event(fmt::format("step {} start", step + 1));
      const auto& st = s_.steps[i];
      for (const auto& op : st.ops) apply(op, step);
      for (const auto& def : st.cgroups) create_def(def, step);
      tracker_.open_window(fmt::format("step {}", step + 1));
      hold(st, step);
      tracker_.close_window();
      teardown(step);
    }
    return finish();
  }

 private:
  void event(const std::string& e) {
    if (o_.event) o_.event(e);
  }

  // pids and memory are enabled only for scenarios that limit them: they
  // are domain controllers with rules of their own (no tasks in inner cgroups).
  static std::vector<std::string> needed_controllers(const scenario::Scenario& s) {
    std::vector<std::string> out;
    auto note = [&](const scenario::CgroupControls& c) {
      for (auto& name : c.controllers())
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    };
    auto ops = [&](const std::vector<scenario::Op>& v) {
      for (const auto& o : v)
        if (auto* x = std::get_if<scenario::op::SetCgroup>(&o)) note(x->controls);
    };
    for (const auto& d : s.backdrop.cgroups) note(d.controls);
    ops(s.backdrop.ops);
    for (const auto& st : s.steps) {
      for (const auto& d : st.cgroups) note(d.controls);
      ops(st.ops);
    }
    return out;
  }

  // Sleeps in slices, polling the abort check; false if aborted.
  bool sleep_checked(std::chrono::milliseconds total) {
    if (!abort_.empty()) return false;
    auto until = Clock::now() + total;
    while (Clock::now() < until) {
      if (o_.abort_check) {
        std::string why = o_.abort_check();
        if (!why.empty()) {
          abort_ = why;
          return false;
        }
      }
      auto left = until - Clock::now();
      std::this_thread::sleep_for(std::min<Clock::duration>(left, std::chrono::milliseconds(100)));
    }
    return true;
  }

  std::optional<CpuList> effective_cpuset(const std::string& name) const {
    // A cgroup is confined by its own cpuset and every ancestor's.
    std::optional<CpuList> eff;
    std::string prefix;
    for (const auto& part : split_path(name)) {
      prefix = prefix.empty() ? part : prefix + "/" + part;
      auto it = cgroups_.find(prefix);
      if (it == cgroups_.end() || !it->second.cpuset) continue;
      eff = eff ? cpu_intersection(*eff, *it->second.cpuset) : *it->second.cpuset;
    }
    return eff;
  }

  static std::vector<std::string> split_path(const std::string& name) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= name.size()) {
      size_t slash = name.find('/', start);
      parts.push_back(name.substr(start, slash - start));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    return parts;
  }

  void refresh_allowed() {
    for (auto& g : live_) {
      if (g->cgroup.empty()) continue;
      auto eff = effective_cpuset(g->cgroup);
      if (!eff) {
        g->unrestricted = true;
      } else {
        g->allowed = cpu_union(g->allowed, *eff);
      }
    }
  }

  void require_cgroup(const std::string& name, const char* what) const {
    if (!cgroups_.count(name))
      fail("op {}: cgroup '{}' does not exist at this point of the scenario", what, name);
  }

  void create_cgroup(const std::string& name, const std::optional<scenario::CpusetSpec>& spec, int owner) {
    if (cgroups_.count(name)) fail("cgroup '{}' already exists", name);
    cg_.create(name);
    // Parents created implicitly belong to the same owner.
    std::string prefix;
    for (const auto& part : split_path(name)) {
      prefix = prefix.empty() ? part : prefix + "/" + part;
      if (!cgroups_.count(prefix)) cgroups_[prefix] = CgroupState{std::nullopt, owner};
    }
    if (spec) set_cpuset(name, *spec);
  }

  void set_cpuset(const std::string& name, const scenario::CpusetSpec& spec) {
    CpuList cpus = spec.resolve(o_.layout);
    cg_.set_cpus(name, format_cpu_list(cpus));
    cgroups_[name].cpuset = cpus;
    event(fmt::format("cpuset {} = {}", name, format_cpu_list(cpus)));
    refresh_allowed();
  }

  void clear_cpuset(const std::string& name) {
    cg_.set_cpus(name, "");
    cgroups_[name].cpuset.reset();
    event(fmt::format("cpuset {} cleared", name));
    refresh_allowed();
  }

  void create_def(const scenario::CgroupDef& def, int owner) {
    create_cgroup(def.name, def.cpuset, owner);
    if (!def.controls.empty()) set_controls(def.name, def.controls);
    for (const auto& w : def.effective_works()) spawn(def.name, w, owner);
    if (def.frozen) freeze(def.name);
  }

  // Workers throttled by cpu.max may not get the CPU to write their reports
  // before the stop timeout (seen under TCG on a loaded host: "did not
  // stop in time; killed"); the measured window is closed by now, so the
  // quota is lifted before their groups stop.
  template <typename Pred>
  void lift_bandwidth(Pred pred) {
    for (const auto& g : live_) {
      if (!pred(*g)) continue;
      for (auto it = capped_.begin(); it != capped_.end();) {
        const std::string& c = *it;
        if (g->cgroup == c || g->cgroup.rfind(c + "/", 0) == 0) {
          try {
            cg_.write_control(c, "cpu.max", "max");
          } catch (const std::exception&) {
            // Already gone with its cgroup: nothing to lift.
          }
          it = capped_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }

  void set_controls(const std::string& name, const scenario::CgroupControls& c) {
    if (c.cpu_max) {
      if (c.cpu_max->quota_us) capped_.insert(name);
      else capped_.erase(name);
    }
    apply_controls(cg_, name, c);
    tracker_.on_controls(name, c);
    event(fmt::format("cgroup {} {}", name, c.describe()));
  }

  uint32_t workers_under(const std::string& name) const {
    uint32_t n = 0;
    for (const auto& g : live_)
      if (g->cgroup == name || g->cgroup.rfind(name + "/", 0) == 0) n += static_cast<uint32_t>(g->group.size());
    return n;
  }

  void freeze(const std::string& name) {
    cg_.set_frozen(name, true);
    tracker_.on_freeze(name, workers_under(name));
    event(fmt::format("froze {}", name));
  }

  void thaw(const std::string& name) {
    tracker_.on_thaw(name);
    cg_.set_frozen(name, false);
    event(fmt::format("thawed {}", name));
  }

  // Scheduler lifecycle op: a failure aborts the scenario with its verdict.
  template <typename F>
  void scheduler_op(const char* what, F&& call) {
    if (!o_.schedulers)
      fail("op {}: scheduler lifecycle ops need ktstr's guest (they cannot run with --host)", what);
    event(fmt::format("{} begins", what));
    std::string why = call(*o_.schedulers);
    if (!why.empty()) {
      abort_ = why;
      event(fmt::format("{} failed: {}", what, why));
      return;
    }
    event(fmt::format("{} done", what));
  }

  void spawn(const std::string& cgroup, const scenario::Work& w, int owner) {
    uint32_t count = s_.workers_for(w);
    CpuList pool = cgroup.empty() ? o_.layout.usable : effective_cpuset(cgroup).value_or(o_.layout.usable);
    std::vector<CpuList> per_worker;
    for (uint32_t i = 0; i < count; ++i) {
      auto cpus = scenario::resolve_affinity(w.affinity, pool, o_.layout, i, o_.seed + live_.size() * 131 + i);
      if (!cpus) break;
      per_worker.push_back(std::move(*cpus));
    }
    if (per_worker.size() != count) per_worker.clear();
    workload::WorkerGroup group(make_group_spec(w, count, std::move(per_worker)));
    if (!cgroup.empty())
      for (pid_t p : group.pids()) cg_.move_task(cgroup, p);
    group.start();
    auto live = std::make_unique<LiveGroup>(LiveGroup{cgroup, w, std::move(group), owner, Clock::now()});
    live_.push_back(std::move(live));
    refresh_allowed();
    event(fmt::format("spawn {} x{} in {}", w.type, count, cgroup.empty() ? "<harness>" : cgroup));
  }

  template <typename Pred>
  void stop_groups(Pred pred) {
    lift_bandwidth(pred);
    for (auto it = live_.begin(); it != live_.end();) {
      if (!pred(**it)) {
        ++it;
        continue;
      }
      auto& g = **it;
      const auto& reports = g.group.stop();
      check::GroupInput in;
      in.cgroup = g.cgroup.empty() ? "<harness>" : g.cgroup;
      in.work_type = g.work.type;
      in.expected_nodes = g.work.mem_policy.expected_nodes();
      // Time a freeze op held the workers is not a scheduling gap.
      std::vector<std::pair<uint64_t, uint64_t>> frozen;
      if (!g.cgroup.empty())
        for (auto [a, b] : tracker_.frozen_spans(g.cgroup)) {
          if (b <= g.released) continue;
          auto rel = [&](Clock::time_point t) {
            return static_cast<uint64_t>(
                std::chrono::duration_cast<std::chrono::nanoseconds>(std::max(t, g.released) - g.released).count());
          };
          frozen.push_back({rel(a), rel(b)});
        }
      for (const auto& r : reports) {
        in.workers.push_back(to_worker_stats(r));
        if (!frozen.empty()) check::discount_frozen(in.workers.back(), frozen);
      }
      if (!g.cgroup.empty() && !g.unrestricted) in.cpuset = g.allowed;
      finished_.push_back(std::move(in));
      it = live_.erase(it);
    }
  }

  // `by_op`: an explicit remove_cgroup (a frozen cgroup removed on purpose
  // did not starve); otherwise its step or the scenario ended.
  void remove_cgroup(const std::string& name, bool by_op = false) {
    auto under = [&](const std::string& c) { return c == name || c.rfind(name + "/", 0) == 0; };
    // Frozen workers cannot report: thaw them first.
    auto frozen = tracker_.frozen_under(name);
    tracker_.on_cgroup_end(name, by_op);
    for (const auto& c : frozen) cg_.set_frozen(c, false);
    stop_groups([&](const LiveGroup& g) { return under(g.cgroup); });
    cg_.remove(name);
    for (auto it = cgroups_.begin(); it != cgroups_.end();) it = under(it->first) ? cgroups_.erase(it) : ++it;
  }

  void apply(const scenario::Op& op, int step) {
    if (!abort_.empty()) return;
    std::visit(scenario::Overload{
                   [&](const scenario::op::AddCgroup& o) { create_cgroup(o.cgroup, o.cpuset, step); },
                   [&](const scenario::op::RemoveCgroup& o) {
                     require_cgroup(o.cgroup, "remove_cgroup");
                     remove_cgroup(o.cgroup, true);
                   },
                   [&](const scenario::op::SetCpuset& o) {
                     require_cgroup(o.cgroup, "set_cpuset");
                     set_cpuset(o.cgroup, o.cpuset);
                   },
                   [&](const scenario::op::ClearCpuset& o) {
                     require_cgroup(o.cgroup, "clear_cpuset");
                     clear_cpuset(o.cgroup);
                   },
                   [&](const scenario::op::SwapCpusets& o) {
                     require_cgroup(o.a, "swap_cpusets");
                     require_cgroup(o.b, "swap_cpusets");
                     auto a = cgroups_[o.a].cpuset, b = cgroups_[o.b].cpuset;
                     // Widen both first so no intermediate write leaves a
                     // cgroup's workers without CPUs.
                     cg_.set_cpus(o.a, "");
                     cg_.set_cpus(o.b, "");
                     if (b) cg_.set_cpus(o.a, format_cpu_list(*b));
                     if (a) cg_.set_cpus(o.b, format_cpu_list(*a));
                     cgroups_[o.a].cpuset = b;
                     cgroups_[o.b].cpuset = a;
                     event(fmt::format("swap cpusets {} <-> {}", o.a, o.b));
                     refresh_allowed();
                   },
                   [&](const scenario::op::SpawnWorkers& o) {
                     require_cgroup(o.cgroup, "spawn_workers");
                     spawn(o.cgroup, o.work, step);
                   },
                   [&](const scenario::op::StopWorkers& o) {
                     require_cgroup(o.cgroup, "stop_workers");
                     stop_groups([&](const LiveGroup& g) { return g.cgroup == o.cgroup; });
                   },
                   [&](const scenario::op::SetAffinity& o) {
                     require_cgroup(o.cgroup, "set_affinity");
                     CpuList pool = effective_cpuset(o.cgroup).value_or(o_.layout.usable);
                     for (auto& g : live_) {
                       if (g->cgroup != o.cgroup) continue;
                       for (size_t i = 0; i < g->group.size(); ++i) {
                         auto cpus = scenario::resolve_affinity(o.affinity, pool, o_.layout,
                                                                static_cast<uint32_t>(i), o_.seed + i);
                         g->group.set_affinity(i, cpus ? *cpus : pool);
                       }
                     }
                     event(fmt::format("set affinity {} {}", o.cgroup, o.affinity.to_string()));
                   },
                   [&](const scenario::op::SpawnHost& o) { spawn("", o.work, step); },
                   [&](const scenario::op::MoveTasks& o) {
                     require_cgroup(o.from, "move_tasks");
                     require_cgroup(o.to, "move_tasks");
                     size_t n = cg_.move_all(o.from, o.to);
                     for (auto& g : live_)
                       if (g->cgroup == o.from) g->cgroup = o.to;
                     refresh_allowed();
                     event(fmt::format("moved {} tasks {} -> {}", n, o.from, o.to));
                   },
                   [&](const scenario::op::RunPayload& o) { run_payload(o, step); },
                   [&](const scenario::op::WaitPayload& o) { wait_payload(o); },
                   [&](const scenario::op::KillPayload& o) { kill_payload(o.payload); },
                   [&](const scenario::op::SetCgroup& o) {
                     require_cgroup(o.cgroup, "set_cgroup");
                     set_controls(o.cgroup, o.controls);
                   },
                   [&](const scenario::op::Freeze& o) {
                     require_cgroup(o.cgroup, "freeze");
                     freeze(o.cgroup);
                   },
                   [&](const scenario::op::Thaw& o) {
                     require_cgroup(o.cgroup, "thaw");
                     thaw(o.cgroup);
                   },
                   [&](const scenario::op::AttachScheduler& o) {
                     scheduler_op("attach_scheduler", [&](SchedulerControl& c) { return c.attach(o.scheduler); });
                   },
                   [&](const scenario::op::DetachScheduler&) {
                     scheduler_op("detach_scheduler", [&](SchedulerControl& c) { return c.detach(); });
                   },
                   [&](const scenario::op::RestartScheduler&) {
                     scheduler_op("restart_scheduler", [&](SchedulerControl& c) { return c.restart(); });
                   },
                   [&](const scenario::op::ReplaceScheduler& o) {
                     scheduler_op("replace_scheduler", [&](SchedulerControl& c) { return c.replace(o.scheduler); });
                   },
               },
               op);
  }

  // Payloads are binaries packed into the guest (found on PATH); they run
  // for their step (or until waited for / killed).
  void run_payload(const scenario::op::RunPayload& o, int step) {
    if (payloads_.count(o.payload)) fail("payload '{}' is already running", o.payload);
    std::vector<std::string> argv = {o.payload};
    argv.insert(argv.end(), o.args.begin(), o.args.end());
    SpawnOptions so;
    so.die_with_parent = true;
    Child c = Child::spawn(argv, so);
    if (o.cgroup) {
      require_cgroup(*o.cgroup, "run_payload");
      cg_.move_task(*o.cgroup, c.pid());
    }
    event(fmt::format("payload {} started (pid {})", o.payload, c.pid()));
    payloads_.emplace(o.payload, LivePayload{std::move(c), step});
  }

  void wait_payload(const scenario::op::WaitPayload& o) {
    auto it = payloads_.find(o.payload);
    if (it == payloads_.end()) fail("wait_payload: payload '{}' is not running", o.payload);
    auto until = o.timeout_ms ? Clock::now() + std::chrono::milliseconds(*o.timeout_ms) : deadline_;
    if (until < Clock::now() + std::chrono::seconds(1)) until = Clock::now() + std::chrono::seconds(1);
    auto st = it->second.child.wait_until(until);
    if (!st) {
      payload_failures_.push_back(fmt::format("payload {} did not finish in time; killed", o.payload));
      it->second.child.terminate();
    } else if (!st->ok()) {
      payload_failures_.push_back(fmt::format("payload {} failed: {}", o.payload, st->describe()));
    }
    event(fmt::format("payload {} finished", o.payload));
    payloads_.erase(it);
  }

  void kill_payload(const std::string& name) {
    auto it = payloads_.find(name);
    if (it == payloads_.end()) fail("kill_payload: payload '{}' is not running", name);
    it->second.child.terminate();
    event(fmt::format("payload {} killed", name));
    payloads_.erase(it);
  }

  void hold(const scenario::Step& st, int step) {
    using K = scenario::Hold::Kind;
    switch (st.hold.kind) {
      case K::fraction:
        sleep_checked(std::chrono::duration_cast<std::chrono::milliseconds>(s_.duration * st.hold.fraction));
        break;
      case K::fixed:
        sleep_checked(st.hold.time);
        break;
      case K::loop: {
        auto interval = std::max(st.hold.time, std::chrono::milliseconds(10));
        while (Clock::now() < deadline_ && abort_.empty()) {
          auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
          if (!sleep_checked(std::min(interval, left))) break;
          if (Clock::now() >= deadline_) break;
          for (const auto& op : st.ops) apply(op, step);
        }
        break;
      }
    }
  }

  void teardown(int step) {
    stop_groups([&](const LiveGroup& g) { return g.owner == step; });
    for (auto it = payloads_.begin(); it != payloads_.end();)
      it = it->second.owner == step ? payloads_.erase(it) : ++it;  // Child's destructor kills it
    // Deepest first so parents are empty when removed.
    std::vector<std::string> owned;
    for (const auto& [name, state] : cgroups_)
      if (state.owner == step) owned.push_back(name);
    std::sort(owned.begin(), owned.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const auto& name : owned)
      if (cgroups_.count(name)) remove_cgroup(name);
  }

  ExecOutcome finish() {
    tracker_.close_window();  // cut short by an abort
    // What is still frozen at the end never thawed; thaw it so its workers
    // can report.
    for (const auto& [name, state] : cgroups_) {
      if (name.find('/') != std::string::npos) continue;
      auto frozen = tracker_.frozen_under(name);
      tracker_.on_cgroup_end(name, false);
      for (const auto& c : frozen) cg_.set_frozen(c, false);
    }
    stop_groups([](const LiveGroup&) { return true; });
    ExecOutcome out;
    payloads_.clear();
    out.result = check::check_groups(finished_, o_.thresholds);
    out.result.merge(tracker_.result(o_.thresholds));
    for (const auto& f : payload_failures_) out.result.fail(check::DetailKind::guest, f);
    out.abort_reason = abort_;
    return out;
  }

  const scenario::Scenario& s_;
  const ExecOptions& o_;
  CgroupManager cg_;
  ControlTracker tracker_;
  std::vector<std::unique_ptr<LiveGroup>> live_;
  std::map<std::string, CgroupState> cgroups_;
  std::set<std::string> capped_;  // cgroups with a cpu.max quota in force
  std::vector<check::GroupInput> finished_;
  std::map<std::string, LivePayload> payloads_;
  std::vector<std::string> payload_failures_;
  Clock::time_point start_, deadline_;
  std::string abort_;
};

}  // namespace

ExecOutcome execute_scenario(const scenario::Scenario& s, const ExecOptions& opts) {
  Executor ex(s, opts);
  return ex.run();
}

}  // namespace ktstr::guest
