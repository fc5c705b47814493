#pragma once
// The PVH entry point of a Linux kernel image: the Xen ELF note
// XEN_ELFNOTE_PHYS32_ENTRY ("Xen", type 18), which Linux carries when built
// with CONFIG_PVH. Read by the kernel inspector (kernel/vmlinux_info) and by
// the own VMM's loader (vm/kvm/x86/elf_loader): one copy of the rule.
#include <cstdint>
#include <optional>

#include "elf/elf_file.hpp"

namespace ktstr::elf {

inline constexpr uint32_t kXenElfnotePhys32Entry = 18;

// The entry's guest-physical address; nullopt without the note (or with a
// note whose descriptor is neither 4 nor 8 bytes). Little-endian files only.
std::optional<uint64_t> pvh_entry(const ElfFile& f);

}  // namespace ktstr::elf
