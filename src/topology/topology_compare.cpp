// Model vs. what the kernel reports: compare() and infer_topology().
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>

#include "topology/sysfs_topology.hpp"
#include "util/error.hpp"

namespace ktstr::topology {
namespace {

std::string list(const CpuList& s) { return s.empty() ? "none" : format_cpu_list(s); }

// Checks that every CPU of a group (an LLC, a core) reports `expected` as
// its group; groups CPUs by what they report so one broken LLC gives one
// sentence, not one per CPU.
void check_group(const std::string& label, const CpuList& expected, const ObservedTopology& o,
                 const std::function<const CpuList&(const ObservedCpu&)>& get, const char* what,
                 std::vector<std::string>& out) {
  std::map<CpuList, CpuList> seen;  // reported list -> CPUs reporting it
  for (uint32_t id : expected)
    if (const ObservedCpu* c = o.cpu(id)) seen[get(*c)].push_back(id);
  if (seen.empty() || (seen.size() == 1 && seen.begin()->first == expected)) return;
  if (seen.size() == 1) {
    const CpuList& got = seen.begin()->first;
    out.push_back(fmt::format("{}: expected {} {}, guest has {}", label, what, list(expected),
                              got.empty() ? "none" : format_cpu_list(got)));
    return;
  }
  std::string parts;
  for (const auto& [got, who] : seen)
    parts += fmt::format("{}{} on CPU(s) {}", parts.empty() ? "" : ", ", list(got), list(who));
  out.push_back(fmt::format("{}: expected {} {}, guest has {}", label, what, list(expected), parts));
}

void compare_cpus(const Topology& m, const ObservedTopology& o, std::vector<std::string>& out) {
  CpuList all = m.all_cpus();
  if (o.possible != all)
    out.push_back(fmt::format("expected {} CPUs ({}), guest has possible CPUs {}", m.cpus(), list(all),
                              list(o.possible)));
  if (o.online != all)
    out.push_back(fmt::format("expected CPUs {} online, guest has {} online", list(all), list(o.online)));
}

void compare_llcs_and_cores(const Topology& m, const ObservedTopology& o, std::vector<std::string>& out) {
  auto llc = [](const ObservedCpu& c) -> const CpuList& { return c.llc; };
  auto smt = [](const ObservedCpu& c) -> const CpuList& { return c.smt_siblings; };
  for (uint32_t l = 0; l < m.llcs; ++l) {
    CpuList cpus = m.llc_cpus(l);
    check_group(fmt::format("LLC {}", l), cpus, o, llc, "CPUs", out);
    for (uint32_t first = cpus.front(); first <= cpus.back(); first += m.threads_per_core)
      check_group(fmt::format("core {} of LLC {}", m.core_of(first), l), m.smt_siblings(first), o, smt,
                  "SMT siblings", out);
  }
}

std::string join(const std::vector<uint32_t>& v) {
  std::string s;
  for (uint32_t x : v) s += (s.empty() ? "" : " ") + std::to_string(x);
  return s.empty() ? "none" : s;
}

void compare_nodes(const Topology& m, const ObservedTopology& o, const std::vector<uint64_t>& memory_mb,
                   std::vector<std::string>& out) {
  if (o.nodes.size() != m.numa_nodes)
    out.push_back(fmt::format("expected {} NUMA node(s), guest has {}", m.numa_nodes, o.nodes.size()));
  for (uint32_t n = 0; n < m.numa_nodes; ++n) {
    const ObservedNode* got = o.node(n);
    if (!got) {
      out.push_back(fmt::format("node {}: missing in the guest (expected CPUs {})", n, list(m.node_cpus(n))));
      continue;
    }
    if (got->cpus != m.node_cpus(n))
      out.push_back(fmt::format("node {}: expected CPUs {}, guest has {}", n, list(m.node_cpus(n)),
                                list(got->cpus)));
    std::vector<uint32_t> want;
    for (uint32_t k = 0; k < m.numa_nodes; ++k) want.push_back(m.distance(n, k));
    if (got->distances != want)
      out.push_back(fmt::format("node {}: expected distances {}, guest has {}", n, join(want),
                                join(got->distances)));
    if (n < memory_mb.size()) {
      uint64_t have_mb = got->memory_kb / 1024;
      if (have_mb > memory_mb[n] || have_mb < memory_mb[n] / 2)
        out.push_back(fmt::format("node {}: expected about {} MiB of memory, guest has {} MiB", n, memory_mb[n],
                                  have_mb));
    }
  }
  for (const auto& n : o.nodes)
    if (n.id >= m.numa_nodes)
      out.push_back(fmt::format("guest has an unexpected node {} (CPUs {})", n.id, list(n.cpus)));
}

// Equal-sized, consecutive, aligned groups of `size` starting at CPU 0?
bool regular(const CpuList& s, size_t size) {
  return !s.empty() && s.size() == size && s.front() % size == 0 && s.back() == s.front() + size - 1;
}

}  // namespace

std::vector<std::string> compare(const Topology& model, const ObservedTopology& o,
                                 const std::vector<uint64_t>& node_memory_mb) {
  std::vector<std::string> out;
  compare_cpus(model, o, out);
  compare_llcs_and_cores(model, o, out);
  compare_nodes(model, o, node_memory_mb, out);
  return out;
}

std::optional<Topology> infer_topology(const ObservedTopology& o) {
  if (o.cpus.empty() || o.llcs.empty() || o.online != o.possible) return std::nullopt;
  uint32_t ncpu = static_cast<uint32_t>(o.cpus.size());
  if (o.online.back() + 1 != ncpu) return std::nullopt;  // holes in the numbering
  size_t per_llc = o.llcs.front().size();
  size_t threads = o.cpus.front().smt_siblings.size();
  for (const auto& l : o.llcs)
    if (!regular(l, per_llc)) return std::nullopt;
  for (const auto& c : o.cpus)
    if (!regular(c.smt_siblings, threads) || c.llc.empty()) return std::nullopt;
  if (threads == 0 || per_llc % threads != 0 || per_llc * o.llcs.size() != ncpu) return std::nullopt;

  Topology t;
  t.numa_nodes = static_cast<uint32_t>(o.nodes.size());
  t.llcs = static_cast<uint32_t>(o.llcs.size());
  t.threads_per_core = static_cast<uint32_t>(threads);
  t.cores_per_llc = static_cast<uint32_t>(per_llc / threads);
  // Nodes must be 0..n-1 and own whole LLCs in order.
  bool even = true;
  uint32_t next_cpu = 0;
  for (uint32_t i = 0; i < o.nodes.size(); ++i) {
    const ObservedNode& n = o.nodes[i];
    if (n.id != i || n.cpus.size() % per_llc != 0) return std::nullopt;
    if (!n.cpus.empty() && (n.cpus.front() != next_cpu || n.cpus.back() + 1 != next_cpu + n.cpus.size()))
      return std::nullopt;
    next_cpu += static_cast<uint32_t>(n.cpus.size());
    t.nodes.push_back({static_cast<uint32_t>(n.cpus.size() / per_llc), 0});
    if (t.nodes.back().llcs != t.llcs / t.numa_nodes || t.llcs % t.numa_nodes) even = false;
  }
  if (even) t.nodes.clear();
  bool default_distances = true;
  for (const auto& n : o.nodes) {
    if (n.distances.size() != o.nodes.size()) return std::nullopt;
    for (uint32_t k = 0; k < n.distances.size(); ++k)
      default_distances &= n.distances[k] == (k == n.id ? kLocalDistance : kRemoteDistance);
  }
  if (!default_distances)
    for (const auto& n : o.nodes) t.distances.push_back(n.distances);
  try {
    t.validate(UINT32_MAX);
  } catch (const Error&) {
    return std::nullopt;
  }
  return t;
}

}  // namespace ktstr::topology
