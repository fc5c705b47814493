// MADT: one local APIC per CPU in model order (Linux numbers CPUs in this
// order, the first entry being the boot CPU), the in-kernel IOAPIC with
// GSI base 0, the SCI as a level-triggered interrupt, LINT1 as NMI. ISA
// IRQ 0 has no override: KVM's default routing wires the PIT to IOAPIC
// pin 0, so the identity mapping is the right one.
#include "topology/apic_ids.hpp"
#include "vm/kvm/memory_map.hpp"
#include "vm/kvm/x86/acpi/sdt.hpp"
#include "vm/kvm/x86/acpi/tables.hpp"

namespace ktstr::vm::kvm::acpi {
namespace {
constexpr uint8_t kLocalApic = 0, kIoApic = 1, kOverride = 2, kLocalApicNmi = 4, kLocalX2Apic = 9;
constexpr uint32_t kEnabled = 1, kPcatCompat = 1;
constexpr uint16_t kActiveHighLevel = 0x1 | (0x3 << 2);
constexpr uint32_t kMaxXApicId = 254;
}  // namespace

std::vector<uint8_t> madt(const topology::Topology& topo) {
  namespace mm = memory_map;
  Table t("APIC", 5);
  t.u32(static_cast<uint32_t>(mm::kLapic)).u32(kPcatCompat);
  for (uint32_t cpu = 0; cpu < topo.cpus(); ++cpu) {
    uint32_t id = topology::apic_id(topo, cpu);
    if (id <= kMaxXApicId)
      t.u8(kLocalApic).u8(8).u8(static_cast<uint8_t>(cpu)).u8(static_cast<uint8_t>(id)).u32(kEnabled);
    else
      t.u8(kLocalX2Apic).u8(16).u16(0).u32(id).u32(kEnabled).u32(cpu);
  }
  t.u8(kIoApic).u8(12).u8(0).u8(0).u32(static_cast<uint32_t>(mm::kIoapic)).u32(0);
  t.u8(kOverride).u8(10).u8(0).u8(static_cast<uint8_t>(mm::kSciIrq)).u32(mm::kSciIrq).u16(kActiveHighLevel);
  t.u8(kLocalApicNmi).u8(6).u8(0xff).u16(0).u8(1);  // all processors, LINT1
  return t.finish();
}

}  // namespace ktstr::vm::kvm::acpi
