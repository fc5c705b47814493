#include "runner/test_plan.hpp"

#include <fmt/format.h>

#include "runner/budget.hpp"
#include "runner/test_name.hpp"
#include "scheduler/scheduler_registry.hpp"
#include "topology/parse.hpp"

namespace ktstr::runner {
namespace {

scheduler::FlagConstraints flag_constraints(const TestOptions& o) {
  return {o.required_flags, o.excluded_flags};
}

std::chrono::milliseconds planned_duration(const TestOptions& o) {
  return o.duration.count() > 0 ? o.duration : std::chrono::milliseconds(2000);
}

}  // namespace

std::optional<scheduler::SchedulerDef> test_scheduler(const TestOptions& o) {
  const SchedulerSpec& s = o.scheduler;
  if (s.def) {
    s.def->validate();
    return *s.def;
  }
  if (!s.def_file.empty()) {
    scheduler::SchedulerRegistry reg = scheduler::SchedulerRegistry::builtin();
    auto def = scheduler::SchedulerDef::load(s.def_file);
    reg.add(def);
    return scheduler::scheduler_def_for(s.name.empty() ? def.name : s.name, reg);
  }
  if (!s.name.empty()) return scheduler::scheduler_def_for(s.name);
  return std::nullopt;
}

PlannedVariant base_variant(const TestDef& t) {
  PlannedVariant v;
  v.test = &t;
  v.name = base_test_name(t.id());
  auto def = test_scheduler(t.options);
  std::string topo = t.options.topology;
  if (topo.empty() && def) topo = def->topology;
  if (topo.empty()) topo = "1n2l2c1t";
  v.topology = topology::parse_topology(topo);
  if (def) v.profile = scheduler::base_profile(*def, flag_constraints(t.options));
  return v;
}

RunPlan plan_run(const std::vector<const TestDef*>& tests, const RunPlanOptions& o) {
  RunPlan plan;
  struct Candidate {
    size_t after;  // insert after this many planned variants of the base list
    PlannedVariant v;
    bool sched;
  };
  std::vector<Candidate> gauntlet;
  std::vector<std::vector<PlannedVariant>> per_test;
  for (const TestDef* t : tests) {
    per_test.push_back({base_variant(*t)});
    if (!o.gauntlet || !t->options.gauntlet || t->options.host_only) continue;
    auto def = test_scheduler(t->options);
    GauntletRequest req;
    req.test = t->id();
    req.scheduler = def ? &*def : nullptr;
    req.flags = flag_constraints(t->options);
    req.constraints = t->options.constraints;
    auto g = expand_gauntlet(req, o.gauntlet_options);
    for (const auto& d : g.dropped) plan.notes.push_back(fmt::format("{}: preset {}", t->id(), d));
    for (auto& gv : g.variants) {
      PlannedVariant v;
      v.test = t;
      v.name = gv.name;
      v.preset = gv.preset;
      v.topology = gv.topology;
      v.profile = gv.profile;
      v.gauntlet = true;
      gauntlet.push_back({per_test.size() - 1, std::move(v), def.has_value()});
    }
  }
  std::vector<bool> keep(gauntlet.size(), true);
  if (o.budget_seconds && !gauntlet.empty()) {
    std::vector<BudgetItem> items;
    for (const auto& c : gauntlet)
      items.push_back({variant_features(c.v.test->id(), c.v.topology, c.v.profile),
                       estimate_seconds(c.v.topology, planned_duration(c.v.test->options), c.sched,
                                        o.software_emulation)});
    auto sel = select_within_budget(items, *o.budget_seconds);
    keep.assign(gauntlet.size(), false);
    for (size_t i : sel.chosen) keep[i] = true;
    plan.notes.push_back(fmt::format(
        "budget {:.0f} s: {} of {} gauntlet variants, estimated {:.0f} VM-seconds, covering {} of {} features",
        *o.budget_seconds, sel.chosen.size(), gauntlet.size(), sel.seconds, sel.covered, sel.features));
  }
  for (size_t i = 0; i < gauntlet.size(); ++i)
    if (keep[i]) per_test[gauntlet[i].after].push_back(std::move(gauntlet[i].v));
  for (auto& vs : per_test)
    for (auto& v : vs) plan.variants.push_back(std::move(v));
  return plan;
}

}  // namespace ktstr::runner
