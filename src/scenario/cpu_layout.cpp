#include "scenario/cpu_layout.hpp"

#include <cstdio>

#include "util/error.hpp"

namespace ktstr::scenario {

CpuList CpuLayout::all() const {
  CpuList out;
  for (const auto& l : llc_cpus) out = cpu_union(out, l);
  return out.empty() ? normalized(usable) : out;
}

CpuLayout CpuLayout::from_shape(uint32_t nodes, uint32_t llcs, uint32_t cores, uint32_t threads) {
  if (!nodes || !llcs || !cores || !threads)
    fail("topology {}n{}l{}c{}t: every count must be at least 1", nodes, llcs, cores, threads);
  if (llcs % nodes) fail("topology {}n{}l{}c{}t: LLCs must be a multiple of NUMA nodes", nodes, llcs, cores, threads);
  CpuLayout l;
  l.threads_per_core = threads;
  l.node_cpus.resize(nodes);
  const uint32_t per_llc = cores * threads;
  for (uint32_t llc = 0; llc < llcs; ++llc) {
    CpuList cpus;
    for (uint32_t c = 0; c < per_llc; ++c) cpus.push_back(llc * per_llc + c);
    auto& node = l.node_cpus[llc / (llcs / nodes)];
    node.insert(node.end(), cpus.begin(), cpus.end());
    l.llc_cpus.push_back(std::move(cpus));
  }
  const uint32_t total = llcs * per_llc;
  // The highest CPU is kept for the harness itself once there are spares.
  for (uint32_t c = 0; c < (total > 2 ? total - 1 : total); ++c) l.usable.push_back(c);
  return l;
}

CpuLayout CpuLayout::from_name(const std::string& name) {
  unsigned n = 0, l = 0, c = 0, t = 0;
  char tail = 0;
  if (std::sscanf(name.c_str(), "%un%ul%uc%ut%c", &n, &l, &c, &t, &tail) != 4)
    fail("bad topology name '{}': expected e.g. 1n2l4c1t", name);
  return from_shape(n, l, c, t);
}

}  // namespace ktstr::scenario
