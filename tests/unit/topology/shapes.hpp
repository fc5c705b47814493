#pragma once
// Topology literals for the topology unit tests: T(numa, llcs, cores, threads).
#include "topology/topology.hpp"

namespace ktstr::topology::test {

inline Topology T(uint32_t n, uint32_t l, uint32_t c, uint32_t t) {
  return Topology{.numa_nodes = n, .llcs = l, .cores_per_llc = c, .threads_per_core = t};
}

}  // namespace ktstr::topology::test
