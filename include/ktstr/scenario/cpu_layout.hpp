#pragma once
// The topology facts scenarios need, decoupled from src/topology so specs
// resolve the same way on the host (from the requested shape) and in the
// guest (from sysfs).
#include <cstdint>
#include <string>
#include <vector>

#include "ktstr/cpu_list.hpp"

namespace ktstr::scenario {

struct CpuLayout {
  CpuList usable;                  // CPUs workers may use (PRODUCT.md §1)
  std::vector<CpuList> llc_cpus;   // index = LLC id
  std::vector<CpuList> node_cpus;  // index = NUMA node id
  uint32_t threads_per_core = 1;

  // Every CPU (union of LLCs; the usable ones if no LLCs are known).
  CpuList all() const;

  // The layout of a topology shape with ktstr's sequential numbering: LLC l
  // owns [l·C·T, (l+1)·C·T), node of LLC l = l / (llcs/nodes), usable = all
  // but the highest CPU when there are more than 2. Throws on a bad shape.
  static CpuLayout from_shape(uint32_t nodes, uint32_t llcs, uint32_t cores, uint32_t threads);
  // "1n2l4c1t".
  static CpuLayout from_name(const std::string& name);
};

}  // namespace ktstr::scenario
