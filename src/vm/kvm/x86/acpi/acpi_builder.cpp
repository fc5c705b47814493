// Lays the tables out one after another from a base address and links them.
#include "util/error.hpp"
#include "vm/layout.hpp"
#include "vm/kvm/x86/acpi/tables.hpp"

namespace ktstr::vm::kvm::acpi {
namespace {

// Appends `table` to the image at `align` and returns its guest address.
uint64_t place(AcpiImage& img, const std::vector<uint8_t>& table, size_t align) {
  size_t off = (img.bytes.size() + align - 1) / align * align;
  img.bytes.resize(off);
  img.bytes.insert(img.bytes.end(), table.begin(), table.end());
  return img.base + off;
}

}  // namespace

AcpiImage build_tables(const topology::Topology& t, const std::vector<NodeRange>& memory, uint64_t base) {
  AcpiImage img;
  img.base = base;
  // The RSDP's content depends on the XSDT's address and the XSDT on every
  // other table's, so reserve the RSDP slot first and fill it at the end.
  img.bytes.resize(64);
  uint64_t facs_gpa = place(img, facs(), 64);
  uint64_t dsdt_gpa = place(img, dsdt(), 16);
  std::vector<uint64_t> tables;
  tables.push_back(place(img, fadt(facs_gpa, dsdt_gpa), 16));
  tables.push_back(place(img, madt(t), 16));
  if (t.numa_nodes > 1) {
    tables.push_back(place(img, srat(t, memory), 16));
    tables.push_back(place(img, slit(t), 16));
  }
  uint64_t xsdt_gpa = place(img, xsdt(tables), 16);
  auto r = rsdp(xsdt_gpa);
  std::copy(r.begin(), r.end(), img.bytes.begin());
  img.rsdp_gpa = base;
  return img;
}

std::vector<NodeRange> node_ranges(const std::vector<uint64_t>& node_bytes, uint64_t low_bytes) {
  std::vector<NodeRange> out;
  uint64_t off = 0;
  for (uint32_t n = 0; n < node_bytes.size(); ++n) {
    uint64_t start = off, end = off + node_bytes[n];
    off = end;
    if (start < low_bytes) out.push_back({n, start, std::min(end, low_bytes) - start});
    if (end > low_bytes) {
      uint64_t s = std::max(start, low_bytes);
      out.push_back({n, s - low_bytes + layout::kHighMemStart, end - s});
    }
  }
  return out;
}

}  // namespace ktstr::vm::kvm::acpi
