#pragma once
// The topology a running kernel reports in sysfs — read back inside the
// guest (PRODUCT.md §1: tests trust sysfs, not what they asked for) and on
// the host (`ktstr topo`). The root is a parameter so tests use a fake tree.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/cpu_list.hpp"
#include "topology/topology.hpp"

namespace ktstr::topology {

struct ObservedCpu {
  uint32_t id = 0;
  int32_t package = -1;   // physical_package_id (-1 when unknown)
  int32_t die = -1;       // die_id
  int32_t core_id = -1;   // core_id (per package on x86, not per LLC)
  CpuList smt_siblings;    // thread_siblings_list (includes the CPU itself)
  CpuList llc;             // shared_cpu_list of the last-level cache; empty = none
  uint32_t llc_level = 0; // level of that cache (3 on every machine we target)
  int32_t node = -1;      // the node listing this CPU; -1 = none
};

struct ObservedNode {
  uint32_t id = 0;
  CpuList cpus;
  std::vector<uint32_t> distances;  // to every node, in node id order
  uint64_t memory_kb = 0;           // MemTotal from nodeN/meminfo
};

struct ObservedTopology {
  CpuList online;
  CpuList possible;
  std::vector<ObservedCpu> cpus;     // online CPUs, by id
  std::vector<CpuList> llcs;          // distinct LLC CPU lists, by lowest CPU
  std::vector<ObservedNode> nodes;   // by id; synthesized node 0 without NUMA sysfs

  const ObservedCpu* cpu(uint32_t id) const;
  const ObservedNode* node(uint32_t id) const;
};

// Reads <root>/devices/system/{cpu,node}. Throws ktstr::Error when the CPU
// tree itself is missing or unreadable; a missing cache or node directory is
// recorded as absent, not an error (the caller decides whether it matters).
ObservedTopology read_sysfs_topology(const std::filesystem::path& root = "/sys");

// The model that matches `o` when it is regular (equal LLCs, equal SMT width,
// nodes owning consecutive LLCs, CPUs numbered as in Topology); nothing when
// the machine has a shape the model cannot describe.
std::optional<Topology> infer_topology(const ObservedTopology& o);

// Every way `o` differs from `model`, one sentence each ("LLC 1: expected
// CPUs 2-3, guest has 2-5"); empty when they agree. node_memory_mb (index =
// node, empty = skip) checks each node's MemTotal lies between half of the
// expected size and the expected size (the kernel keeps some for itself).
std::vector<std::string> compare(const Topology& model, const ObservedTopology& o,
                                 const std::vector<uint64_t>& node_memory_mb = {});

}  // namespace ktstr::topology
