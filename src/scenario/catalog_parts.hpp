#pragma once
// Internal to the catalog: the two halves of the registry and the small
// builders their entries share.
#include <vector>

#include "scenario/catalog.hpp"

namespace ktstr::scenario::catalog {

std::vector<Entry> curated_entries();
std::vector<Entry> stress_entries();
std::vector<Entry> controls_entries();

// Calibrated tolerances of the cgroup control scenarios (EEVDF under TCG
// must pass them with room to spare; see catalog_controls.cpp).
inline constexpr double kWeightShareError = 0.25;
inline constexpr double kBandwidthExcess = 0.15;

namespace build {

// A cgroup of default workers of `type` (CpuSpin: swappable).
CgroupDef group(std::string name, std::string type = "CpuSpin");
CgroupDef group(std::string name, Work w);
// Everything in one step held for the whole duration.
Scenario one_step(std::vector<CgroupDef> cgroups);
// Persistent cgroups, then steps acting on them.
Scenario backdrop_then(std::vector<CgroupDef> backdrop, std::vector<Step> steps);
// At least 2, else one worker per usable CPU.
uint32_t per_cpu(const CpuLayout& l);
// A step holding for fraction `f` of the duration after its ops.
inline Step hold(double f, std::vector<Op> ops = {}) { return Step{.ops = std::move(ops), .hold = Hold::frac(f)}; }
// A registry entry; `curated` puts it in the short list run by default.
inline Entry make_entry(std::string name, std::string desc, bool curated, TopologyNeeds needs,
                        std::function<Scenario(const CpuLayout&)> fn) {
  return Entry{std::move(name), std::move(desc), curated, needs, std::move(fn)};
}

}  // namespace build
}  // namespace ktstr::scenario::catalog
