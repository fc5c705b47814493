#include "scenario/validate.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "scenario/lifetimes.hpp"
#include "scenario/overload.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::scenario {
namespace {

// Beyond these a scenario is a typo, not a test: a day-long hold or a
// million workers would only end at the VM deadline or in the OOM killer.
constexpr std::chrono::milliseconds kMaxDuration{24LL * 3600 * 1000};
constexpr uint32_t kMaxWorkers = 1024;

// Walks the scenario in execution order, collecting errors.
class Validator {
 public:
  Validator(const Scenario& s, const ValidationContext& ctx) : s_(s), ctx_(ctx), life_(first_created(s)) {}

  std::vector<std::string> run() {
    check_scenario();
    check_stage(0, s_.backdrop.ops, s_.backdrop.cgroups, nullptr);
    for (size_t i = 0; i < s_.steps.size(); ++i) {
      const Step& st = s_.steps[i];
      check_stage(static_cast<uint32_t>(i + 1), st.ops, st.cgroups, &st.hold);
    }
    check_hold_budget();
    return std::move(errors_);
  }

 private:
  static std::map<std::string, uint32_t> first_created(const Scenario& s) {
    std::map<std::string, uint32_t> out;
    auto note = [&](const std::vector<Op>& ops, const std::vector<CgroupDef>& defs, uint32_t step) {
      for (const auto& o : ops)
        if (auto* add = std::get_if<op::AddCgroup>(&o)) out.emplace(add->cgroup, step);
      for (const auto& d : defs) out.emplace(d.name, step);
    };
    note(s.backdrop.ops, s.backdrop.cgroups, 0);
    for (size_t i = 0; i < s.steps.size(); ++i) note(s.steps[i].ops, s.steps[i].cgroups, static_cast<uint32_t>(i + 1));
    return out;
  }

  void error(const std::string& where, const std::string& what) { errors_.push_back(where + ": " + what); }
  void error(const std::string& where, const std::optional<std::string>& what) {
    if (what) error(where, *what);
  }

  void check_scenario() {
    if (s_.steps.empty()) error("scenario", std::string("has no steps"));
    if (s_.duration.count() <= 0)
      error("scenario", fmt::format("duration must be positive, got {} ms", s_.duration.count()));
    if (s_.duration > kMaxDuration)
      error("scenario", fmt::format("duration {} ms is more than a day ({} ms)", s_.duration.count(), kMaxDuration.count()));
    if (s_.workers_per_cgroup > kMaxWorkers)
      error("scenario", fmt::format("workers_per_cgroup {} is more than {}", s_.workers_per_cgroup, kMaxWorkers));
    if (s_.settle.count() < 0)
      error("scenario", fmt::format("settle time must not be negative, got {} ms", s_.settle.count()));
    if (s_.workers_per_cgroup == 0)
      error("scenario", std::string("workers_per_cgroup is 0: groups without workers would pass every check"));
  }

  void check_stage(uint32_t step, const std::vector<Op>& ops, const std::vector<CgroupDef>& defs, const Hold* hold) {
    std::set<std::string> names;
    for (const auto& d : defs) names.insert(d.name);
    life_.begin_step(step, std::move(names));
    const std::string label = step_label(step);
    if (hold) check_hold(label, *hold, ops.empty(), step);
    std::vector<bool> failed(ops.size());
    for (size_t i = 0; i < ops.size(); ++i) failed[i] = !apply(label, ops[i], "");
    for (const auto& d : defs) check_def(label, d);
    // A loop re-applies the ops against the state the first pass left.
    if (hold && hold->kind == Hold::Kind::loop)
      for (size_t i = 0; i < ops.size(); ++i)
        if (!failed[i]) apply(label, ops[i], " (loop repeat)");
    life_.end_step();
  }

  void check_hold(const std::string& label, const Hold& h, bool no_ops, uint32_t step) {
    const std::string where = label + " hold";
    switch (h.kind) {
      case Hold::Kind::fraction:
        if (!(h.fraction >= 0 && h.fraction <= 1))
          error(where, fmt::format("fraction {} is outside [0, 1]", h.fraction));
        break;
      case Hold::Kind::fixed:
        if (h.time.count() < 0) error(where, fmt::format("time must not be negative, got {} ms", h.time.count()));
        break;
      case Hold::Kind::loop:
        if (h.time.count() <= 0) error(where, fmt::format("loop interval must be positive, got {} ms", h.time.count()));
        if (no_ops) error(where, std::string("loop re-applies the step's ops, but the step has none"));
        if (step < s_.steps.size())
          error(where,
                fmt::format("a loop runs until the scenario deadline, so step {} after it would never run", step + 1));
        break;
    }
  }

  void check_hold_budget() {
    double ms = 0, fractions = 0;
    for (const auto& st : s_.steps) {
      if (st.hold.kind == Hold::Kind::fraction) {
        fractions += st.hold.fraction;
        ms += st.hold.fraction * static_cast<double>(s_.duration.count());
      }
      if (st.hold.kind == Hold::Kind::fixed) ms += static_cast<double>(st.hold.time.count());
    }
    if (fractions > 1 + 1e-9)
      error("scenario", fmt::format("hold fractions add up to {:.3g}, more than 1", fractions));
    else if (ms > static_cast<double>(s_.duration.count()) + 1)
      error("scenario",
            fmt::format("holds add up to {:.0f} ms, more than the {} ms duration", ms, s_.duration.count()));
  }

  void check_cpuset(const std::string& where, const CpusetSpec& spec) {
    if (auto err = spec.check()) return error(where, "cpuset " + *err);
    if (!ctx_.layout) return;
    try {
      spec.resolve(*ctx_.layout);
    } catch (const Error& e) {
      error(where, std::string(e.what()));
    }
  }

  void check_affinity(const std::string& where, const AffinityKind& a) {
    if (a.kind != AffinityKind::Kind::exact) return;
    if (a.cpus.empty()) return error(where, fmt::format("affinity {}: empty CPU set", a.to_string()));
    if (!ctx_.layout) return;
    CpuList missing = cpu_difference(a.cpus, ctx_.layout->all());
    if (!missing.empty())
      error(where, fmt::format("affinity {}: CPU(s) {} do not exist", a.to_string(), format_cpu_list(missing)));
  }

  void check_work(const std::string& where, const Work& w) {
    if (ctx_.is_known_type && !ctx_.is_known_type(w.type)) error(where, fmt::format("unknown work type '{}'", w.type));
    if (!w.params.is_object()) error(where, fmt::format("params must be a JSON object, got {}", w.params.dump()));
    const uint32_t n = s_.workers_for(w);
    if (n == 0) error(where, std::string("zero workers: a group without workers would pass every check"));
    if (n > kMaxWorkers) error(where, fmt::format("{} workers is more than {} per group", n, kMaxWorkers));
    const uint32_t group = ctx_.group_size ? std::max<uint32_t>(1, ctx_.group_size(w)) : 1;
    if (n && n % group)
      error(where, fmt::format("{} workers is not a multiple of the group size {} of {}", n, group, w.type));
    error(where, w.policy.check());
    error(where, w.mem_policy.check(ctx_.layout));
    check_affinity(where, w.affinity);
  }

  void check_controls(const std::string& where, const CgroupControls& c) {
    for (const auto& e : c.check()) error(where, e);
  }

  // Frozen cgroups that still exist (a removed or torn-down cgroup is no
  // longer frozen).
  void prune_frozen() {
    for (auto it = frozen_.begin(); it != frozen_.end();)
      it = life_.require_cgroup(*it) ? frozen_.erase(it) : ++it;
  }

  void check_def(const std::string& label, const CgroupDef& d) {
    const std::string where = fmt::format("{} cgroup '{}'", label, d.name);
    if (auto err = check_cgroup_name(d.name)) return error(where, *err);
    error(where, life_.create_cgroup(d.name));
    if (d.cpuset) check_cpuset(where, *d.cpuset);
    check_controls(where, d.controls);
    if (d.frozen) frozen_.insert(d.name);
    auto works = d.effective_works();
    for (size_t i = 0; i < works.size(); ++i)
      check_work(fmt::format("{} work {} ({})", where, i, works[i].type), works[i]);
  }

  // Returns false when the op itself was wrong (so a loop's repeat pass
  // does not report it twice).
  bool apply(const std::string& label, const Op& o, const char* pass) {
    const std::string where = fmt::format("{} op {}{}", label, op_name(o), pass);
    const size_t before = errors_.size();
    auto need = [&](const std::string& cg) { error(where, life_.require_cgroup(cg)); };
    auto distinct = [&](const std::string& a, const std::string& b) {
      if (a == b) error(where, fmt::format("both sides are cgroup '{}'", a));
    };
    std::visit(Overload{
                   [&](const op::AddCgroup& x) {
                     if (auto err = check_cgroup_name(x.cgroup)) return error(where, *err);
                     error(where, life_.create_cgroup(x.cgroup));
                     if (x.cpuset) check_cpuset(where, *x.cpuset);
                   },
                   [&](const op::RemoveCgroup& x) { error(where, life_.remove_cgroup(x.cgroup, "remove_cgroup")); },
                   [&](const op::SetCpuset& x) {
                     need(x.cgroup);
                     check_cpuset(where, x.cpuset);
                   },
                   [&](const op::ClearCpuset& x) { need(x.cgroup); },
                   [&](const op::SwapCpusets& x) {
                     need(x.a);
                     need(x.b);
                     distinct(x.a, x.b);
                   },
                   [&](const op::SpawnWorkers& x) {
                     need(x.cgroup);
                     check_work(where, x.work);
                   },
                   [&](const op::StopWorkers& x) { need(x.cgroup); },
                   [&](const op::SetAffinity& x) {
                     need(x.cgroup);
                     check_affinity(where, x.affinity);
                   },
                   [&](const op::SpawnHost& x) { check_work(where, x.work); },
                   [&](const op::MoveTasks& x) {
                     need(x.from);
                     need(x.to);
                     distinct(x.from, x.to);
                   },
                   [&](const op::RunPayload& x) {
                     if (x.payload.empty()) return error(where, std::string("payload name is empty"));
                     if (x.cgroup) need(*x.cgroup);
                     error(where, life_.start_payload(x.payload));
                   },
                   [&](const op::WaitPayload& x) { error(where, life_.stop_payload(x.payload, "waited for")); },
                   [&](const op::KillPayload& x) { error(where, life_.stop_payload(x.payload, "killed")); },
                   [&](const op::SetCgroup& x) {
                     need(x.cgroup);
                     if (x.controls.empty()) error(where, std::string("sets no cgroup control"));
                     check_controls(where, x.controls);
                   },
                   [&](const op::Freeze& x) {
                     need(x.cgroup);
                     prune_frozen();
                     if (!frozen_.insert(x.cgroup).second)
                       error(where, fmt::format("cgroup '{}' is already frozen here", x.cgroup));
                   },
                   [&](const op::Thaw& x) {
                     need(x.cgroup);
                     prune_frozen();
                     if (!frozen_.erase(x.cgroup))
                       error(where, fmt::format("cgroup '{}' is not frozen here (freeze it first)", x.cgroup));
                   },
                   [&](const op::AttachScheduler& x) {
                     check_choice(where, x.scheduler);
                     if (attached_ == true)
                       error(where, std::string("a scheduler is already attached here (use replace_scheduler)"));
                     attached_ = true;
                   },
                   [&](const op::ReplaceScheduler& x) {
                     check_choice(where, x.scheduler);
                     attached_ = true;
                   },
                   [&](const op::DetachScheduler&) {
                     if (attached_ == false) error(where, std::string("no scheduler is attached here"));
                     attached_ = false;
                   },
                   [&](const op::RestartScheduler&) {
                     if (attached_ == false) error(where, std::string("no scheduler is attached here to restart"));
                   },
               },
               o);
    return errors_.size() == before;
  }

  void check_choice(const std::string& where, const SchedulerChoice& c) {
    if (c.name.empty()) error(where, std::string("scheduler name is empty"));
    if (ctx_.check_scheduler) error(where, ctx_.check_scheduler(c));
  }

  const Scenario& s_;
  const ValidationContext& ctx_;
  Lifetimes life_;
  std::set<std::string> frozen_;
  // Whether a scheduler is attached at this point: unknown at the start
  // (the run may or may not start one), known after a lifecycle op.
  std::optional<bool> attached_;
  std::vector<std::string> errors_;
};

bool name_char_ok(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

}  // namespace

std::function<bool(const std::string&)> ValidationContext::known_types(std::vector<std::string> names) {
  return [names = std::move(names)](const std::string& t) {
    return std::find(names.begin(), names.end(), t) != names.end();
  };
}

std::optional<std::string> check_cgroup_name(const std::string& name) {
  if (name.empty()) return std::string("cgroup name is empty");
  for (const auto& part : split(name, '/')) {
    if (part.empty() || part == "." || part == "..")
      return fmt::format("bad cgroup name '{}': path components must be non-empty and not . or ..", name);
    if (!std::all_of(part.begin(), part.end(), name_char_ok))
      return fmt::format("bad cgroup name '{}': use letters, digits, '_', '-', '.' and '/' between levels", name);
    if (part.rfind("cgroup.", 0) == 0)
      return fmt::format("bad cgroup name '{}': 'cgroup.' names clash with cgroupfs control files", name);
  }
  return std::nullopt;
}

std::vector<std::string> validation_errors(const Scenario& s, const ValidationContext& ctx) {
  return Validator(s, ctx).run();
}

void validate(const Scenario& s, const ValidationContext& ctx) {
  auto errors = validation_errors(s, ctx);
  if (errors.empty()) return;
  std::string name = s.name.empty() ? "scenario" : fmt::format("scenario '{}'", s.name);
  fail("{} is invalid:\n  {}", name, fmt::join(errors, "\n  "));
}

}  // namespace ktstr::scenario
