#pragma once
// The ACPI tables of the own VMM, one builder per table (one file each):
//   RSDP -> XSDT -> FADT (-> FACS, DSDT), MADT, and for NUMA guests SRAT
//   and SLIT. Processor entries follow the topology model: CPU i has APIC
//   id topology::apic_id(i) and ACPI processor uid i, so Linux numbers the
//   CPUs exactly as the model does.
#include <cstdint>
#include <vector>

#include "topology/topology.hpp"

namespace ktstr::vm::kvm::acpi {

// A guest-physical RAM range that belongs to one NUMA node.
struct NodeRange {
  uint32_t node = 0;
  uint64_t base = 0, size = 0;
};

std::vector<uint8_t> rsdp(uint64_t xsdt_gpa);
std::vector<uint8_t> xsdt(const std::vector<uint64_t>& table_gpas);
std::vector<uint8_t> fadt(uint64_t facs_gpa, uint64_t dsdt_gpa);
std::vector<uint8_t> facs();
std::vector<uint8_t> dsdt();
std::vector<uint8_t> madt(const topology::Topology& t);
std::vector<uint8_t> srat(const topology::Topology& t, const std::vector<NodeRange>& memory);
std::vector<uint8_t> slit(const topology::Topology& t);

// All tables laid out from `base` (the RSDP first, each table 16-byte
// aligned, the FACS 64-byte aligned).
struct AcpiImage {
  uint64_t base = 0;
  uint64_t rsdp_gpa = 0;
  std::vector<uint8_t> bytes;  // to copy to guest RAM at `base`
};
AcpiImage build_tables(const topology::Topology& t, const std::vector<NodeRange>& memory, uint64_t base);

// NUMA memory ranges: node sizes laid end to end in RAM, below the hole
// up to low_bytes and from 4 GiB on (a node may straddle the hole).
std::vector<NodeRange> node_ranges(const std::vector<uint64_t>& node_bytes, uint64_t low_bytes);

}  // namespace ktstr::vm::kvm::acpi
