#pragma once
// The PVH boot ABI (Xen's hvm_start_info, version 1): the kernel finds its
// command line, initramfs (module 0), memory map and ACPI RSDP through one
// structure whose address arrives in EBX.
#include <cstdint>
#include <span>
#include <vector>

#include "vm/kvm/x86/e820.hpp"

namespace ktstr::vm::kvm {

struct PvhBoot {
  uint64_t cmdline_gpa = 0;
  uint64_t initrd_gpa = 0, initrd_size = 0;
  uint64_t rsdp_gpa = 0;
  std::vector<E820Entry> memmap;
};

constexpr uint32_t kHvmStartMagic = 0x336ec578;

// Writes start info, module list and memory map at their memory_map
// addresses into `low_mem` (guest RAM from gpa 0). Returns the start info's
// address (for EBX).
uint64_t write_pvh_start_info(std::span<uint8_t> low_mem, const PvhBoot& b);

}  // namespace ktstr::vm::kvm
