#include "topology/memory.hpp"

#include <algorithm>

#include "topology/topology.hpp"
#include "util/error.hpp"

namespace ktstr::topology {
namespace {

struct Declared {
  uint64_t sum_mb = 0;   // memory of nodes that declare it
  uint32_t auto_nodes = 0;  // nodes that take an even share
};

Declared declared(const Topology& t) {
  Declared d;
  if (t.nodes.empty()) {
    d.auto_nodes = t.numa_nodes;
    return d;
  }
  for (const auto& n : t.nodes) {
    d.sum_mb += n.memory_mb;
    if (n.memory_mb == 0) ++d.auto_nodes;
  }
  return d;
}

}  // namespace

uint64_t default_memory_mb(const Topology& t, uint64_t requested_mb) {
  Declared d = declared(t);
  if (d.auto_nodes == 0) {
    if (requested_mb != 0 && requested_mb != d.sum_mb)
      fail("topology {}: its nodes declare {} MiB in total, which contradicts the requested {} MiB", t.name(),
           d.sum_mb, requested_mb);
    return d.sum_mb;
  }
  return std::max({uint64_t{t.cpus()} * kMemoryPerCpuMb, kMinGuestMemoryMb, requested_mb,
                   d.sum_mb + d.auto_nodes * kMinNodeMemoryMb});
}

std::vector<uint64_t> node_memory_mb(const Topology& t, uint64_t total_mb) {
  Declared d = declared(t);
  if (d.sum_mb > total_mb)
    fail("topology {}: its nodes declare {} MiB but the guest has only {} MiB", t.name(), d.sum_mb, total_mb);
  uint64_t rest = total_mb - d.sum_mb;
  if (d.auto_nodes == 0 && rest != 0)
    fail("topology {}: its nodes declare {} MiB in total but the guest has {} MiB", t.name(), d.sum_mb,
         total_mb);
  uint64_t share = d.auto_nodes ? rest / d.auto_nodes / 2 * 2 : 0;
  if (d.auto_nodes && share < kMinNodeMemoryMb)
    fail("topology {}: {} MiB left for {} node(s) is less than {} MiB per node", t.name(), rest, d.auto_nodes,
         kMinNodeMemoryMb);

  std::vector<uint64_t> out(t.numa_nodes);
  uint32_t seen_auto = 0;
  for (uint32_t i = 0; i < t.numa_nodes; ++i) {
    uint64_t declared_mb = t.nodes.empty() ? 0 : t.nodes[i].memory_mb;
    if (declared_mb) {
      out[i] = declared_mb;
    } else {
      ++seen_auto;
      out[i] = seen_auto == d.auto_nodes ? rest - share * (d.auto_nodes - 1) : share;
    }
  }
  return out;
}

}  // namespace ktstr::topology
