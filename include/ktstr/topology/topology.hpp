#pragma once
// The guest CPU topology as code (PRODUCT.md §1): NUMA nodes × LLCs × cores
// per LLC × threads per core, with sequential CPU numbering:
//   LLC l owns CPUs [l·C·T, (l+1)·C·T); core c of that LLC owns the T
//   consecutive CPUs from l·C·T + c·T (SMT siblings adjacent); nodes own
//   consecutive LLCs in order.
// Every backend must make the guest see exactly this; the guest reads it back
// from sysfs (sysfs_topology.hpp) and compare() proves it.
#include <cstdint>
#include <string>
#include <vector>

#include "ktstr/cpu_list.hpp"

namespace ktstr::topology {

// The largest guest the current VM backend can boot (QEMU without x2APIC:
// APIC ID 255 is broadcast). Backends may pass their own limit to validate().
constexpr uint32_t kDefaultMaxCpus = 255;
constexpr uint32_t kLocalDistance = 10;
constexpr uint32_t kRemoteDistance = 20;

// One NUMA node of an uneven topology.
struct NodeSpec {
  uint32_t llcs = 1;        // 0 = memory-only node (no CPUs)
  uint64_t memory_mb = 0;   // 0 = an even share of what the other nodes leave
  friend bool operator==(const NodeSpec&, const NodeSpec&) = default;
};

struct Topology {
  // Defaults: the smallest guest that still has two CPUs to schedule on.
  uint32_t numa_nodes = 1;
  uint32_t llcs = 1;            // total over all nodes
  uint32_t cores_per_llc = 2;
  uint32_t threads_per_core = 1;
  // Uneven nodes: empty = numa_nodes nodes with llcs/numa_nodes LLCs each.
  // Otherwise exactly numa_nodes entries whose LLC counts sum to llcs.
  std::vector<NodeSpec> nodes;
  // numa_nodes × numa_nodes SLIT-style matrix; empty = 10 local, 20 remote.
  std::vector<std::vector<uint32_t>> distances;

  // Throws ktstr::Error naming the rule broken. max_cpus is the backend's
  // ceiling (kDefaultMaxCpus unless the backend says otherwise).
  void validate(uint32_t max_cpus = kDefaultMaxCpus) const;

  // "{n}n{l}l{c}c{t}t", e.g. "1n2l4c1t"; uneven nodes append
  // ":{llcs}l[{memory}m],..." per node so parse_topology() round-trips.
  std::string name() const;

  uint32_t cpus() const { return llcs * cores_per_llc * threads_per_core; }
  uint32_t cpus_per_llc() const { return cores_per_llc * threads_per_core; }
  bool has_smt() const { return threads_per_core > 1; }

  // Numbering (cpu < cpus(), llc < llcs, node < numa_nodes; callers validate).
  uint32_t llc_of(uint32_t cpu) const { return cpu / cpus_per_llc(); }
  uint32_t core_of(uint32_t cpu) const {  // core index within its LLC
    return (cpu % cpus_per_llc()) / threads_per_core;
  }
  uint32_t node_of(uint32_t cpu) const { return node_of_llc(llc_of(cpu)); }
  uint32_t node_of_llc(uint32_t llc) const;
  uint32_t node_llc_count(uint32_t node) const;
  uint32_t first_llc_of_node(uint32_t node) const;

  CpuList all_cpus() const;
  CpuList llc_cpus(uint32_t llc) const;
  CpuList node_cpus(uint32_t node) const;  // empty for a memory-only node
  CpuList smt_siblings(uint32_t cpu) const;  // includes cpu, like thread_siblings_list
  uint32_t distance(uint32_t node_a, uint32_t node_b) const;
  // All CPUs but the highest when there are more than 2 (PRODUCT.md §1: the
  // last one is kept for the harness itself).
  CpuList usable_cpus() const;

  friend bool operator==(const Topology&, const Topology&) = default;
};

}  // namespace ktstr::topology
