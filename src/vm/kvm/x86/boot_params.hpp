#pragma once
// The Linux x86 64-bit boot protocol (Documentation/arch/x86/boot.rst) for
// a bzImage: its setup header is copied into boot_params (the "zero
// page"), completed with the command line, initramfs, E820 map and RSDP,
// and the protected-mode kernel is entered in long mode at its start + 0x200.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "vm/kvm/x86/e820.hpp"

namespace ktstr::vm::kvm {

struct BzImage {
  uint16_t protocol = 0;
  uint64_t kernel_offset = 0;    // file offset of the protected-mode kernel
  uint32_t cmdline_size = 0;     // longest command line it accepts (without NUL)
  uint32_t initrd_addr_max = 0;  // highest address the initramfs may end at
  uint32_t init_size = 0;        // memory the kernel needs from its load address
  std::span<const uint8_t> header;  // setup header bytes, from 0x1f1 to its end
};

// Bounds-checked parse; Error unless this is a bzImage with the 64-bit
// entry point (protocol 2.12+, XLF_KERNEL_64).
BzImage parse_bzimage(std::span<const uint8_t> image);

struct BootParamsInput {
  uint64_t cmdline_gpa = 0;
  uint64_t cmdline_len = 0;  // without the NUL
  uint64_t initrd_gpa = 0, initrd_size = 0;
  uint64_t rsdp_gpa = 0;
  std::vector<E820Entry> e820;
};

using ZeroPage = std::array<uint8_t, 4096>;
ZeroPage make_boot_params(const BzImage& bz, const BootParamsInput& in);

// Offsets into boot_params that tests and the builder share.
namespace bp {
constexpr size_t kAcpiRsdp = 0x070, kExtRamdiskImage = 0x0c0, kExtRamdiskSize = 0x0c4, kExtCmdLine = 0x0c8;
constexpr size_t kE820Entries = 0x1e8, kSetupHeader = 0x1f1, kBootFlag = 0x1fe, kHeaderMagic = 0x202;
constexpr size_t kVersion = 0x206, kTypeOfLoader = 0x210, kLoadFlags = 0x211, kCode32Start = 0x214;
constexpr size_t kRamdiskImage = 0x218, kRamdiskSize = 0x21c, kHeapEnd = 0x224, kCmdLinePtr = 0x228;
constexpr size_t kInitrdAddrMax = 0x22c, kXLoadFlags = 0x236, kCmdlineSize = 0x238, kInitSize = 0x260;
constexpr size_t kE820Table = 0x2d0, kE820Max = 128, kE820EntrySize = 20;
}  // namespace bp

}  // namespace ktstr::vm::kvm
