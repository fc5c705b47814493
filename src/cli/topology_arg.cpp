#include "cli/topology_arg.hpp"

#include <cstdio>
#include <regex>

#include "util/error.hpp"

namespace ktstr::cli {

vm::VmTopology parse_topology_arg(const std::string& s) {
  std::smatch m;
  static const std::regex commas(R"(^(\d+),(\d+),(\d+),(\d+)$)");
  static const std::regex named(R"(^(\d+)n(\d+)l(\d+)c(\d+)t$)");
  if (!std::regex_match(s, m, commas) && !std::regex_match(s, m, named))
    fail("--topology '{}': expected N,L,C,T (nodes,llcs,cores per llc,threads per core) or a name like 1n2l4c1t", s);
  vm::VmTopology t;
  auto num = [&](int i) {
    unsigned long v = std::stoul(m[i].str());
    if (v == 0 || v > 4096) fail("--topology '{}': every field must be between 1 and 4096", s);
    return static_cast<uint32_t>(v);
  };
  t.numa_nodes = num(1);
  t.llcs = num(2);
  t.cores_per_llc = num(3);
  t.threads_per_core = num(4);
  if (t.llcs % t.numa_nodes != 0)
    fail("--topology '{}': llcs ({}) must be a multiple of numa nodes ({})", s, t.llcs, t.numa_nodes);
  if (t.numa_nodes > 1)
    fail("--topology '{}': NUMA guests are not supported yet (needs the topology model)", s);
  if (t.cpus() > 255) fail("--topology '{}': {} CPUs exceeds the 255 the VM backend supports", s, t.cpus());
  return t;
}

}  // namespace ktstr::cli
