#include "guest/guest_layout.hpp"

namespace ktstr::guest {

scenario::CpuLayout layout_from_observed(const topology::ObservedTopology& o) {
  scenario::CpuLayout l;
  // Usable = all but the highest CPU when there are more than 2 (kept for
  // the harness itself), as PRODUCT.md §1 defines it.
  l.usable.assign(o.online.begin(), o.online.end());
  if (l.usable.size() > 2) l.usable.pop_back();
  for (const auto& llc : o.llcs) l.llc_cpus.emplace_back(llc.begin(), llc.end());
  for (const auto& n : o.nodes) {
    if (l.node_cpus.size() <= n.id) l.node_cpus.resize(n.id + 1);
    l.node_cpus[n.id].assign(n.cpus.begin(), n.cpus.end());
  }
  if (!o.cpus.empty() && !o.cpus.front().smt_siblings.empty())
    l.threads_per_core = static_cast<uint32_t>(o.cpus.front().smt_siblings.size());
  return l;
}

}  // namespace ktstr::guest
