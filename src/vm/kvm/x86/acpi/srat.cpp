// SRAT: which NUMA node (proximity domain) each CPU (by APIC id) and each
// RAM range belongs to. Memory-only nodes simply have no CPU entries.
#include "topology/apic_ids.hpp"
#include "vm/kvm/x86/acpi/sdt.hpp"
#include "vm/kvm/x86/acpi/tables.hpp"

namespace ktstr::vm::kvm::acpi {
namespace {
constexpr uint8_t kCpuAffinity = 0, kMemoryAffinity = 1, kX2ApicAffinity = 2;
constexpr uint32_t kEnabled = 1;
constexpr uint32_t kMaxXApicId = 254;
}  // namespace

std::vector<uint8_t> srat(const topology::Topology& topo, const std::vector<NodeRange>& memory) {
  Table t("SRAT", 3);
  t.u32(1).u64(0);  // reserved (1 for compatibility), reserved
  for (uint32_t cpu = 0; cpu < topo.cpus(); ++cpu) {
    uint32_t id = topology::apic_id(topo, cpu), node = topo.node_of(cpu);
    if (id <= kMaxXApicId)
      t.u8(kCpuAffinity).u8(16).u8(static_cast<uint8_t>(node)).u8(static_cast<uint8_t>(id)).u32(kEnabled)
          .u8(0).u8(static_cast<uint8_t>(node >> 8)).u16(static_cast<uint16_t>(node >> 16)).u32(0);
    else
      t.u8(kX2ApicAffinity).u8(24).u16(0).u32(node).u32(id).u32(kEnabled).u32(0).u32(0);
  }
  for (const auto& m : memory)
    t.u8(kMemoryAffinity).u8(40).u32(m.node).u16(0).u64(m.base).u64(m.size).u32(0).u32(kEnabled).u64(0);
  return t.finish();
}

}  // namespace ktstr::vm::kvm::acpi
