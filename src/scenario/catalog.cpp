#include "scenario/catalog.hpp"

#include <algorithm>

#include "scenario/catalog_parts.hpp"

namespace ktstr::scenario::catalog {

Scenario Entry::instantiate(const CpuLayout& layout) const {
  Scenario s = build(layout);
  s.name = name;
  s.description = description;
  s.topology = needs;
  return s;
}

const std::vector<Entry>& all() {
  static const std::vector<Entry> entries = [] {
    std::vector<Entry> v = curated_entries();
    for (auto& e : controls_entries()) v.push_back(std::move(e));
    for (auto& e : stress_entries()) v.push_back(std::move(e));
    return v;
  }();
  return entries;
}

std::vector<const Entry*> list(bool curated_only) {
  std::vector<const Entry*> out;
  for (const auto& e : all())
    if (e.curated || !curated_only) out.push_back(&e);
  return out;
}

const Entry* find(std::string_view name) {
  for (const auto& e : all())
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<const Entry*> filter(std::string_view needle) {
  std::vector<const Entry*> out;
  for (const auto& e : all())
    if (e.name.find(needle) != std::string::npos) out.push_back(&e);
  return out;
}

namespace build {

CgroupDef group(std::string name, std::string type) {
  CgroupDef d = CgroupDef::named(std::move(name)).with_work(Work::of(type));
  d.swappable = type == "CpuSpin";  // type-specific groups keep their type
  return d;
}

CgroupDef group(std::string name, Work w) { return CgroupDef::named(std::move(name)).with_work(std::move(w)); }

Scenario one_step(std::vector<CgroupDef> cgroups) {
  Scenario s;
  s.steps.push_back(Step{.cgroups = std::move(cgroups), .hold = Hold::frac(1.0)});
  return s;
}

Scenario backdrop_then(std::vector<CgroupDef> backdrop, std::vector<Step> steps) {
  Scenario s;
  s.backdrop.cgroups = std::move(backdrop);
  s.steps = std::move(steps);
  return s;
}

uint32_t per_cpu(const CpuLayout& l) { return std::max<uint32_t>(2, static_cast<uint32_t>(l.usable.size())); }

}  // namespace build
}  // namespace ktstr::scenario::catalog
