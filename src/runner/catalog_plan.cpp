#include "runner/catalog_plan.hpp"

#include <fmt/format.h>

#include "runner/budget.hpp"
#include "scheduler/scheduler_ref.hpp"

namespace ktstr::runner {

CatalogPlan plan_catalog(const std::vector<const scenario::catalog::Entry*>& entries, const ScenarioRunOptions& base,
                         const CatalogPlanOptions& o) {
  CatalogPlan plan;
  std::vector<CatalogVariant> all;
  if (!o.gauntlet) {
    for (const auto* e : entries) all.push_back({e->name, e, base});
  } else {
    std::vector<BudgetItem> items;
    for (const auto* e : entries) {
      GauntletRequest req;
      req.test = e->name;
      req.scheduler = o.scheduler;
      req.flags = o.flags;
      req.cannot_host = [e](const topology::Topology& t) { return e->skip_reason(layout_for(t)); };
      auto g = expand_gauntlet(req, o.gauntlet_options);
      for (const auto& d : g.dropped) plan.notes.push_back(fmt::format("{}: preset {}", e->name, d));
      for (const auto& gv : g.variants) {
        CatalogVariant v{gv.name, e, base};
        v.options.topology = gv.topology;
        if (o.scheduler) {
          v.options.scheduler = scheduler::scheduler_ref_for(*o.scheduler, gv.profile, o.sched_args);
          v.options.scheduler_profile = gv.profile.name();
          v.options.scheduler_thresholds = o.scheduler->thresholds;
        }
        items.push_back({variant_features(e->name, gv.topology, gv.profile),
                         estimate_seconds(gv.topology, base.duration.value_or(std::chrono::milliseconds(2000)),
                                          o.scheduler != nullptr, o.software_emulation)});
        all.push_back(std::move(v));
      }
    }
    if (o.budget_seconds) {
      auto sel = select_within_budget(items, *o.budget_seconds);
      std::vector<CatalogVariant> kept;
      for (size_t i : sel.chosen) kept.push_back(std::move(all[i]));
      plan.notes.push_back(fmt::format(
          "budget {:.0f} s: {} of {} variants, estimated {:.0f} VM-seconds, covering {} of {} features",
          *o.budget_seconds, kept.size(), all.size(), sel.seconds, sel.covered, sel.features));
      all = std::move(kept);
    }
  }
  if (o.shard) {
    size_t total = all.size();
    for (size_t i : shard_positions(all.size(), *o.shard)) plan.variants.push_back(std::move(all[i]));
    plan.notes.push_back(fmt::format("shard {} of {} (GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS): {} of {} tests",
                                     o.shard->index, o.shard->total, plan.variants.size(), total));
  } else {
    plan.variants = std::move(all);
  }
  return plan;
}

}  // namespace ktstr::runner
