// RSDP (ACPI 2.0+): points at the XSDT; two checksums (first 20 bytes, all 36).
#include "vm/kvm/x86/acpi/sdt.hpp"
#include "vm/kvm/x86/acpi/tables.hpp"

namespace ktstr::vm::kvm::acpi {

std::vector<uint8_t> rsdp(uint64_t xsdt_gpa) {
  Table t;
  t.bytes("RSD PTR ").u8(0).bytes(kOemId).u8(2).u32(0).u32(36).u64(xsdt_gpa).u8(0).zeros(3);
  auto& b = t.data();
  b[8] = checksum(std::span(b).first(20));
  b[32] = checksum(b);
  return b;
}

}  // namespace ktstr::vm::kvm::acpi
