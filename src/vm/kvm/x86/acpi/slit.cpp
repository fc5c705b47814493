// SLIT: the model's node distance matrix (10 local, 20 remote by default).
#include "vm/kvm/x86/acpi/sdt.hpp"
#include "vm/kvm/x86/acpi/tables.hpp"

namespace ktstr::vm::kvm::acpi {

std::vector<uint8_t> slit(const topology::Topology& topo) {
  Table t("SLIT", 1);
  t.u64(topo.numa_nodes);
  for (uint32_t a = 0; a < topo.numa_nodes; ++a)
    for (uint32_t b = 0; b < topo.numa_nodes; ++b) t.u8(static_cast<uint8_t>(topo.distance(a, b)));
  return t.finish();
}

}  // namespace ktstr::vm::kvm::acpi
