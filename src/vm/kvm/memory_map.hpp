#pragma once
// Every guest-physical address and port the own VMM uses, in one place.
// RAM itself follows vm/layout.hpp (as on QEMU microvm: up to 3 GiB below
// the 4 GiB hole, the rest from 4 GiB, the channel ring 1 MiB below
// min(RAM, 2 GiB)), so the channel reader and the monitor need not know
// which backend booted the guest.
//
//   0x0000_0500  boot GDT
//   0x0000_6000  PVH start info, module list, memory map
//   0x0000_7000  boot_params ("zero page") for the 64-bit boot protocol
//   0x0000_9000  identity page tables (PML4, PDPT, 4 PDs: first 4 GiB)
//   0x0002_0000  kernel command line
//   0x0009_fc00  EBDA (reserved)
//   0x000e_0000  ACPI tables (RSDP first; the legacy RSDP search area)
//   0x0010_0000  bzImage protected-mode code (the 64-bit boot protocol)
//   0x0100_0000  vmlinux (its own physical load addresses; 16 MiB)
//   ...          initramfs, as high as possible below the channel ring
//   0xfec0_0000  IOAPIC, 0xfee0_0000 local APICs (in-kernel irqchip)
#include <cstdint>

namespace ktstr::vm::kvm::memory_map {

constexpr uint64_t kPageSize = 0x1000;

constexpr uint64_t kGdt = 0x500;
constexpr uint64_t kPvhStartInfo = 0x6000;
constexpr uint64_t kPvhModlist = 0x6040;
constexpr uint64_t kPvhMemmap = 0x6100;
constexpr uint64_t kPvhMemmapMax = 0x6f00;  // end of the memory map area
constexpr uint64_t kZeroPage = 0x7000;
constexpr uint64_t kPml4 = 0x9000;
constexpr uint64_t kPdpt = 0xa000;
constexpr uint64_t kPd = 0xb000;            // 4 pages: 2 MiB pages over 4 GiB
constexpr uint64_t kIdentityMapBytes = 4ull << 30;
constexpr uint64_t kCmdline = 0x20000;
constexpr uint64_t kCmdlineMax = 0x10000;   // bytes including the NUL
constexpr uint64_t kEbda = 0x9fc00;
constexpr uint64_t kLowRamEnd = 0xa0000;    // VGA hole and BIOS area above
constexpr uint64_t kAcpiBase = 0xe0000;
constexpr uint64_t kAcpiEnd = 0x100000;
constexpr uint64_t kHighRamStart = 0x100000;
constexpr uint64_t kBzImageLoad = 0x100000;
constexpr uint64_t kInitrdAlign = 2ull << 20;

constexpr uint64_t kIoapic = 0xfec00000;
constexpr uint64_t kLapic = 0xfee00000;
// Intel VMX needs a TSS and an identity-map page for real-mode emulation
// somewhere the guest does not use; just below the 4 GiB boundary.
constexpr uint64_t kTss = 0xfffbd000;
constexpr uint64_t kIdentityMapPage = 0xfffbc000;

// Ports and ISA interrupt lines.
constexpr uint16_t kSerial0 = 0x3f8;  // ttyS0, kernel console
constexpr uint32_t kSerial0Irq = 4;
constexpr uint16_t kSerial1 = 0x2f8;  // ttyS1, guest init's port
constexpr uint32_t kSerial1Irq = 3;
constexpr uint16_t kI8042Data = 0x60;
constexpr uint16_t kI8042Command = 0x64;
constexpr uint16_t kCmos = 0x70;      // index 0x70, data 0x71
constexpr uint16_t kPostCode = 0x80;
constexpr uint16_t kPciConfig = 0xcf8;  // address 0xcf8, data 0xcfc-0xcff
// ACPI fixed hardware: PM1a event block (status + enable, 4 bytes) and
// PM1a control block (2 bytes) where the guest writes SLP_TYP|SLP_EN to
// power off.
constexpr uint16_t kPm1aEvent = 0x600;
constexpr uint16_t kPm1aControl = 0x604;
constexpr uint32_t kSciIrq = 9;

}  // namespace ktstr::vm::kvm::memory_map
