#pragma once
// Loads an uncompressed kernel (vmlinux, ELF64) into guest RAM at its
// segments' physical addresses and finds its PVH entry point (the Xen ELF
// note XEN_ELFNOTE_PHYS32_ENTRY, which Linux carries when built with
// CONFIG_PVH).
#include <cstdint>
#include <optional>
#include <span>

#include "vm/guest_memory.hpp"

namespace ktstr::vm::kvm {

struct LoadedKernel {
  uint64_t pvh_entry = 0;  // guest-physical
  uint64_t end = 0;        // first byte after the highest segment (incl. bss)
};

// Entry of the PVH note in an ELF image, if it has one.
std::optional<uint64_t> find_pvh_entry(std::span<const uint8_t> elf);
// Throws Error (naming the problem) for anything but a complete x86-64 ELF
// with a PVH note whose segments fit in guest RAM.
LoadedKernel load_elf_kernel(std::span<const uint8_t> elf, const GuestMemory& mem);

}  // namespace ktstr::vm::kvm
