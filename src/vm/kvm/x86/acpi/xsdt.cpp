// XSDT: 64-bit pointers to every other table (the DSDT hangs off the FADT).
#include "vm/kvm/x86/acpi/sdt.hpp"
#include "vm/kvm/x86/acpi/tables.hpp"

namespace ktstr::vm::kvm::acpi {

std::vector<uint8_t> xsdt(const std::vector<uint64_t>& table_gpas) {
  Table t("XSDT", 1);
  for (uint64_t a : table_gpas) t.u64(a);
  return t.finish();
}

}  // namespace ktstr::vm::kvm::acpi
