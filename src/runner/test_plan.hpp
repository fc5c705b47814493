#pragma once
// What a run of KTSTR_TESTs boots: each test's base variant (ktstr/<test>)
// and, when the run asks for the gauntlet, its gauntlet variants -- all of
// them, or a subset chosen within a time budget. Resolved on the host from
// the tests' options; a variant is everything one VM needs to know.
#include <optional>
#include <string>
#include <vector>

#include "ktstr/scheduler/flag_profiles.hpp"
#include "runner/gauntlet.hpp"
#include "runner/test_registry.hpp"

namespace ktstr::runner {

struct PlannedVariant {
  const TestDef* test = nullptr;
  std::string name;    // ktstr/<test> or gauntlet/<test>/<preset>/<profile>
  std::string preset;  // gauntlet only
  topology::Topology topology;
  scheduler::Profile profile;
  bool gauntlet = false;
};

// The test's scheduler definition (built-in name, file, or in code);
// nullopt for EEVDF. Throws ktstr::Error for an unknown name or bad file.
std::optional<scheduler::SchedulerDef> test_scheduler(const TestOptions& o);

// The base variant: the test's topology (or the scheduler's default, else
// 1n2l2c1t) and the smallest profile satisfying its required flags.
PlannedVariant base_variant(const TestDef& t);

struct RunPlanOptions {
  bool gauntlet = false;              // add gauntlet variants
  GauntletOptions gauntlet_options;   // presets, host capacity
  std::optional<double> budget_seconds;  // pick gauntlet variants within this (see budget.hpp)
  bool software_emulation = true;     // for run-time estimates
};

struct RunPlan {
  std::vector<PlannedVariant> variants;  // per test: base, then its gauntlet variants
  std::vector<std::string> notes;        // dropped presets, budget summary
};

RunPlan plan_run(const std::vector<const TestDef*>& tests, const RunPlanOptions& o);

}  // namespace ktstr::runner
