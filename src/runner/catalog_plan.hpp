#pragma once
// `ktstr run` over catalog scenarios: one VM per scenario at the run's
// topology, or (--gauntlet) one per scenario x preset x flag profile,
// optionally cut to a time budget and to this process's shard.
#include <optional>
#include <string>
#include <vector>

#include "runner/gauntlet.hpp"
#include "runner/scenario_run.hpp"
#include "runner/shard.hpp"
#include "scenario/catalog.hpp"

namespace ktstr::runner {

struct CatalogVariant {
  std::string name;  // the scenario's name, or gauntlet/<scenario>/<preset>/<profile>
  const scenario::catalog::Entry* entry = nullptr;
  ScenarioRunOptions options;  // topology and scheduler profile of this variant
};

struct CatalogPlanOptions {
  bool gauntlet = false;
  GauntletOptions gauntlet_options;
  std::optional<double> budget_seconds;
  bool software_emulation = true;
  // The gauntlet expands this definition's profiles; nullptr: EEVDF.
  const scheduler::SchedulerDef* scheduler = nullptr;
  scheduler::FlagConstraints flags;
  std::vector<std::string> sched_args;
  std::optional<Shard> shard;
};

struct CatalogPlan {
  std::vector<CatalogVariant> variants;
  std::vector<std::string> notes;  // dropped presets, budget and shard summaries
};

CatalogPlan plan_catalog(const std::vector<const scenario::catalog::Entry*>& entries, const ScenarioRunOptions& base,
                         const CatalogPlanOptions& o);

}  // namespace ktstr::runner
