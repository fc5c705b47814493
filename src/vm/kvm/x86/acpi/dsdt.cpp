// DSDT: only what the guest needs from the namespace — the \_S5 package
// giving the SLP_TYP value for soft-off, so Linux registers ACPI power-off.
// Processors are enumerated from the MADT, so there are no device objects.
#include "vm/kvm/devices/acpi_pm.hpp"
#include "vm/kvm/x86/acpi/sdt.hpp"
#include "vm/kvm/x86/acpi/tables.hpp"

namespace ktstr::vm::kvm::acpi {
namespace {
constexpr uint8_t kNameOp = 0x08, kPackageOp = 0x12, kBytePrefix = 0x0a, kZeroOp = 0x00;
}  // namespace

std::vector<uint8_t> dsdt() {
  Table t("DSDT", 2);
  // Name (_S5, Package (4) { SLP_TYPa, SLP_TYPb, 0, 0 })
  t.u8(kNameOp).bytes("_S5_").u8(kPackageOp);
  t.u8(7);  // PkgLength: itself, the element count and 5 bytes of elements
  t.u8(4).u8(kBytePrefix).u8(AcpiPm::kS5SleepType).u8(kZeroOp).u8(kZeroOp).u8(kZeroOp);
  return t.finish();
}

}  // namespace ktstr::vm::kvm::acpi
