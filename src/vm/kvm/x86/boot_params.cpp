#include "vm/kvm/x86/boot_params.hpp"

#include <cstring>

#include "util/error.hpp"

namespace ktstr::vm::kvm {
namespace {

constexpr uint32_t kHdrS = 0x53726448;  // "HdrS"
constexpr uint16_t kMinProtocol = 0x020c;
constexpr uint16_t kXlfKernel64 = 1 << 0;
constexpr uint8_t kLoadedHigh = 0x01, kCanUseHeap = 0x80;
constexpr uint8_t kLoaderUndefined = 0xff;
constexpr uint16_t kHeapEnd = 0xfe00;

template <typename T>
T get(std::span<const uint8_t> d, size_t off) {
  if (off + sizeof(T) > d.size()) fail("bzImage truncated (header field at {:#x})", off);
  T v;
  std::memcpy(&v, d.data() + off, sizeof v);
  return v;
}
template <typename T>
void put(ZeroPage& z, size_t off, T v) {
  std::memcpy(z.data() + off, &v, sizeof v);
}

}  // namespace

BzImage parse_bzimage(std::span<const uint8_t> image) {
  if (get<uint16_t>(image, bp::kBootFlag) != 0xaa55 || get<uint32_t>(image, bp::kHeaderMagic) != kHdrS)
    fail("not a bzImage (no boot flag / HdrS magic)");
  BzImage bz;
  bz.protocol = get<uint16_t>(image, bp::kVersion);
  if (bz.protocol < kMinProtocol)
    fail("bzImage boot protocol {}.{} is too old for the 64-bit entry (need 2.12)", bz.protocol >> 8,
         bz.protocol & 0xff);
  if (!(get<uint16_t>(image, bp::kXLoadFlags) & kXlfKernel64)) fail("bzImage has no 64-bit entry point");
  unsigned setup_sects = get<uint8_t>(image, bp::kSetupHeader);
  if (setup_sects == 0) setup_sects = 4;
  bz.kernel_offset = (uint64_t{setup_sects} + 1) * 512;
  if (bz.kernel_offset >= image.size()) fail("bzImage truncated (no protected-mode kernel)");
  size_t header_end = 0x202 + get<uint8_t>(image, 0x201);  // the jump at 0x200 skips the header
  if (header_end > image.size() || header_end <= bp::kSetupHeader || header_end > 0x1000)
    fail("bzImage setup header has a bad length");
  bz.header = image.subspan(bp::kSetupHeader, header_end - bp::kSetupHeader);
  bz.cmdline_size = get<uint32_t>(image, bp::kCmdlineSize);
  bz.initrd_addr_max = get<uint32_t>(image, bp::kInitrdAddrMax);
  bz.init_size = get<uint32_t>(image, bp::kInitSize);
  return bz;
}

ZeroPage make_boot_params(const BzImage& bz, const BootParamsInput& in) {
  if (in.cmdline_len > bz.cmdline_size) fail("kernel command line ({} bytes) exceeds the kernel's limit of {}", in.cmdline_len, bz.cmdline_size);
  if (in.initrd_size && in.initrd_gpa + in.initrd_size - 1 > bz.initrd_addr_max)
    fail("initramfs at {:#x} ends above the kernel's initrd_addr_max {:#x}", in.initrd_gpa, bz.initrd_addr_max);
  if (in.e820.size() > bp::kE820Max) fail("{} E820 entries; boot_params holds {}", in.e820.size(), bp::kE820Max);
  ZeroPage z{};
  std::memcpy(z.data() + bp::kSetupHeader, bz.header.data(), bz.header.size());
  put<uint8_t>(z, bp::kTypeOfLoader, kLoaderUndefined);
  put<uint8_t>(z, bp::kLoadFlags, static_cast<uint8_t>(z[bp::kLoadFlags] | kLoadedHigh | kCanUseHeap));
  put<uint16_t>(z, bp::kHeapEnd, kHeapEnd);
  put<uint32_t>(z, bp::kCmdLinePtr, static_cast<uint32_t>(in.cmdline_gpa));
  put<uint32_t>(z, bp::kExtCmdLine, static_cast<uint32_t>(in.cmdline_gpa >> 32));
  put<uint32_t>(z, bp::kRamdiskImage, static_cast<uint32_t>(in.initrd_gpa));
  put<uint32_t>(z, bp::kExtRamdiskImage, static_cast<uint32_t>(in.initrd_gpa >> 32));
  put<uint32_t>(z, bp::kRamdiskSize, static_cast<uint32_t>(in.initrd_size));
  put<uint32_t>(z, bp::kExtRamdiskSize, static_cast<uint32_t>(in.initrd_size >> 32));
  put<uint64_t>(z, bp::kAcpiRsdp, in.rsdp_gpa);
  put<uint8_t>(z, bp::kE820Entries, static_cast<uint8_t>(in.e820.size()));
  for (size_t i = 0; i < in.e820.size(); ++i) {
    size_t off = bp::kE820Table + i * bp::kE820EntrySize;
    put<uint64_t>(z, off, in.e820[i].addr);
    put<uint64_t>(z, off + 8, in.e820[i].size);
    put<uint32_t>(z, off + 16, static_cast<uint32_t>(in.e820[i].type));
  }
  return z;
}

}  // namespace ktstr::vm::kvm
