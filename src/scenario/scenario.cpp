#include "scenario/scenario.hpp"

#include <fmt/format.h>

namespace ktstr::scenario {

std::optional<std::string> TopologyNeeds::skip_reason(const CpuLayout& layout) const {
  if (layout.llc_cpus.size() < min_llcs)
    return fmt::format("needs at least {} LLCs, topology has {}", min_llcs, layout.llc_cpus.size());
  if (layout.node_cpus.size() < min_nodes)
    return fmt::format("needs at least {} NUMA nodes, topology has {}", min_nodes, layout.node_cpus.size());
  if (layout.usable.size() < min_cpus)
    return fmt::format("needs at least {} usable CPUs, topology has {}", min_cpus, layout.usable.size());
  if (smt && layout.threads_per_core < 2) return std::string("needs SMT, topology has 1 thread per core");
  return std::nullopt;
}

Scenario with_work_type(Scenario s, const std::string& type, const nlohmann::json& params) {
  auto swap = [&](std::vector<CgroupDef>& defs) {
    for (auto& d : defs) {
      if (!d.swappable) continue;
      if (d.works.empty()) d.works.push_back(Work{});
      for (auto& w : d.works) {
        w.type = type;
        w.params = params;
      }
    }
  };
  swap(s.backdrop.cgroups);
  for (auto& step : s.steps) swap(step.cgroups);
  return s;
}

}  // namespace ktstr::scenario
