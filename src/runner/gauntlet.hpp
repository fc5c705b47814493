#pragma once
// Gauntlet expansion (PRODUCT.md §5): one test becomes a VM per topology
// preset x scheduler flag profile, named gauntlet/<test>/<preset>/<profile>.
// Presets are filtered by the test's constraints, by what the scenario needs
// (skipped, not failed, when a topology cannot host it) and by the host's
// capacity; every dropped preset keeps its reason for `--dry-run`/listings.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ktstr/scheduler/flag_profiles.hpp"
#include "ktstr/topology/presets.hpp"
#include "topology/capacity.hpp"

namespace ktstr::runner {

struct GauntletRequest {
  std::string test;  // the <test> part of the names
  // nullptr: EEVDF, a single "default" profile.
  const scheduler::SchedulerDef* scheduler = nullptr;
  scheduler::FlagConstraints flags;
  topology::PresetConstraints constraints;
  // Why the test cannot run on a topology at all (e.g. a scenario needing
  // two LLCs); unset: it can run anywhere the constraints allow.
  std::function<std::optional<std::string>(const topology::Topology&)> cannot_host;
};

struct GauntletOptions {
  std::vector<std::string> presets;  // only these (by name); empty: all 24
  topology::HostCapacity capacity;
};

struct GauntletVariant {
  std::string name;  // gauntlet/<test>/<preset>/<profile>
  std::string test;
  std::string preset;
  topology::Topology topology;
  scheduler::Profile profile;
};

struct GauntletPlan {
  std::vector<GauntletVariant> variants;  // preset order of PRODUCT.md §1, then profile order
  std::vector<std::string> dropped;       // "<preset>: <reason>"
};

// Throws ktstr::Error for an unknown preset name (listing the known ones)
// and for flag constraints the scheduler cannot satisfy.
GauntletPlan expand_gauntlet(const GauntletRequest& req, const GauntletOptions& opts);

// "a,b" -> {"a","b"}, checked against the preset list.
std::vector<std::string> parse_preset_list(const std::string& text);

}  // namespace ktstr::runner
