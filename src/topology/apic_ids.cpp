#include "topology/apic_ids.hpp"

#include <bit>

namespace ktstr::topology {

uint32_t bits_for(uint32_t count) { return count <= 1 ? 0 : static_cast<uint32_t>(std::bit_width(count - 1)); }

ApicLayout apic_layout(const Topology& t) { return {bits_for(t.threads_per_core), bits_for(t.cores_per_llc)}; }

uint32_t apic_id(const Topology& t, uint32_t cpu) {
  ApicLayout l = apic_layout(t);
  uint32_t thread = cpu % t.threads_per_core;
  return (t.llc_of(cpu) << l.llc_shift()) | (t.core_of(cpu) << l.thread_bits) | thread;
}

uint32_t max_apic_id(const Topology& t) { return apic_id(t, t.cpus() - 1); }

}  // namespace ktstr::topology
