#pragma once
// The boot GDT and the segment registers loaded from it. Both boot
// protocols want flat 4 GiB segments: the 64-bit boot protocol names the
// selectors (__BOOT_CS = 0x10, __BOOT_DS = 0x18), PVH only the shape, so
// one table serves both with a 64-bit or a 32-bit code segment in slot 2.
#include <linux/kvm.h>

#include <array>
#include <cstdint>

namespace ktstr::vm::kvm {

constexpr uint16_t kBootCs = 0x10;
constexpr uint16_t kBootDs = 0x18;
constexpr uint16_t kBootTss = 0x20;

// One descriptor from its parts (flags = bits 8-15 and 20-23 of the high
// dword as the SDM lays them out, e.g. 0xa09b for 64-bit code).
uint64_t gdt_entry(uint16_t flags, uint32_t base, uint32_t limit);
// What the CPU caches in a segment register after loading `entry`.
kvm_segment segment_from_entry(uint64_t entry, uint16_t selector);

// null, null, code (64-bit if long_mode, else 32-bit), data, TSS.
std::array<uint64_t, 5> boot_gdt(bool long_mode);

}  // namespace ktstr::vm::kvm
