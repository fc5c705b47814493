#include "topology/topology.hpp"

#include <fmt/format.h>

#include "topology/memory.hpp"
#include "util/error.hpp"

namespace ktstr::topology {
namespace {

// Bounds each field before multiplying so a typo cannot overflow cpus().
constexpr uint32_t kMaxField = 4096;
// ACPI SLIT: 10 is local, 255 means "unreachable", so real distances are 11..254.
constexpr uint32_t kMaxDistance = 254;

std::string base_name(const Topology& t) {
  return fmt::format("{}n{}l{}c{}t", t.numa_nodes, t.llcs, t.cores_per_llc, t.threads_per_core);
}

void validate_fields(const Topology& t, const std::string& n, uint32_t max_cpus) {
  auto field = [&](uint32_t v, const char* what) {
    if (v == 0) fail("topology {}: {} must be at least 1", n, what);
    if (v > kMaxField) fail("topology {}: {} = {} is absurdly large (limit {})", n, what, v, kMaxField);
  };
  field(t.numa_nodes, "numa_nodes");
  field(t.llcs, "llcs");
  field(t.cores_per_llc, "cores_per_llc");
  field(t.threads_per_core, "threads_per_core");
  uint64_t cpus = uint64_t{t.llcs} * t.cores_per_llc * t.threads_per_core;
  if (cpus > max_cpus)
    fail("topology {} has {} CPUs; the VM backend allows at most {}", n, cpus, max_cpus);
}

void validate_nodes(const Topology& t, const std::string& n) {
  if (t.nodes.empty()) {
    if (t.llcs % t.numa_nodes != 0)
      fail("topology {}: llcs ({}) must be a multiple of numa_nodes ({}); declare uneven nodes to give "
           "nodes different LLC counts",
           n, t.llcs, t.numa_nodes);
    return;
  }
  if (t.nodes.size() != t.numa_nodes)
    fail("topology {}: {} uneven nodes declared but numa_nodes is {}", n, t.nodes.size(), t.numa_nodes);
  uint64_t sum = 0;
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    sum += t.nodes[i].llcs;
    uint64_t mb = t.nodes[i].memory_mb;
    if (mb != 0 && mb < kMinNodeMemoryMb)
      fail("topology {}: node {} has {} MiB of memory; a node needs at least {} MiB", n, i, mb,
           kMinNodeMemoryMb);
  }
  if (sum != t.llcs)
    fail("topology {}: the uneven nodes own {} LLCs in total but llcs is {}", n, sum, t.llcs);
}

void validate_distances(const Topology& t, const std::string& n) {
  const auto& d = t.distances;
  if (d.empty()) return;
  if (d.size() != t.numa_nodes)
    fail("topology {}: the distance matrix has {} rows; it must be {}x{}", n, d.size(), t.numa_nodes,
         t.numa_nodes);
  for (size_t i = 0; i < d.size(); ++i)
    if (d[i].size() != t.numa_nodes)
      fail("topology {}: distance row {} has {} entries; it must have {}", n, i, d[i].size(), t.numa_nodes);
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i][i] != kLocalDistance)
      fail("topology {}: distance[{}][{}] is {}; a node's distance to itself must be {}", n, i, i, d[i][i],
           kLocalDistance);
    for (size_t j = 0; j < d.size(); ++j) {
      if (i == j) continue;
      if (d[i][j] <= kLocalDistance)
        fail("topology {}: distance[{}][{}] is {}; distances between different nodes must be greater than {}",
             n, i, j, d[i][j], kLocalDistance);
      if (d[i][j] > kMaxDistance)
        fail("topology {}: distance[{}][{}] is {}; ACPI SLIT distances are at most {}", n, i, j, d[i][j],
             kMaxDistance);
      if (d[i][j] != d[j][i])
        fail("topology {}: distance[{}][{}] is {} but distance[{}][{}] is {}; the matrix must be symmetric", n,
             i, j, d[i][j], j, i, d[j][i]);
    }
  }
}

}  // namespace

void Topology::validate(uint32_t max_cpus) const {
  std::string n = base_name(*this);
  validate_fields(*this, n, max_cpus);
  validate_nodes(*this, n);
  validate_distances(*this, n);
}

std::string Topology::name() const {
  std::string s = base_name(*this);
  for (size_t i = 0; i < nodes.size(); ++i) {
    s += i == 0 ? ':' : ',';
    s += fmt::format("{}l", nodes[i].llcs);
    if (nodes[i].memory_mb) s += fmt::format("{}m", nodes[i].memory_mb);
  }
  return s;
}

uint32_t Topology::node_llc_count(uint32_t node) const {
  return nodes.empty() ? llcs / numa_nodes : nodes.at(node).llcs;
}

uint32_t Topology::first_llc_of_node(uint32_t node) const {
  if (nodes.empty()) return node * (llcs / numa_nodes);
  uint32_t first = 0;
  for (uint32_t i = 0; i < node; ++i) first += nodes.at(i).llcs;
  return first;
}

uint32_t Topology::node_of_llc(uint32_t llc) const {
  if (nodes.empty()) return llc / (llcs / numa_nodes);
  uint32_t end = 0;
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    end += nodes[i].llcs;
    if (llc < end) return i;
  }
  fail("LLC {} is outside topology {}", llc, name());
}

CpuList Topology::all_cpus() const {
  CpuList s(cpus());
  for (uint32_t i = 0; i < s.size(); ++i) s[i] = i;
  return s;
}

CpuList Topology::llc_cpus(uint32_t llc) const {
  CpuList s;
  for (uint32_t c = llc * cpus_per_llc(); c < (llc + 1) * cpus_per_llc(); ++c) s.push_back(c);
  return s;
}

CpuList Topology::node_cpus(uint32_t node) const {
  uint32_t first = first_llc_of_node(node);
  CpuList s;
  for (uint32_t c = first * cpus_per_llc(); c < (first + node_llc_count(node)) * cpus_per_llc(); ++c)
    s.push_back(c);
  return s;
}

CpuList Topology::smt_siblings(uint32_t cpu) const {
  uint32_t first = cpu - cpu % threads_per_core;
  CpuList s;
  for (uint32_t c = first; c < first + threads_per_core; ++c) s.push_back(c);
  return s;
}

uint32_t Topology::distance(uint32_t a, uint32_t b) const {
  if (!distances.empty()) return distances.at(a).at(b);
  return a == b ? kLocalDistance : kRemoteDistance;
}

CpuList Topology::usable_cpus() const {
  CpuList s = all_cpus();
  if (s.size() > 2) s.pop_back();
  return s;
}

}  // namespace ktstr::topology
