#pragma once
// x86 bzImage: a real-mode setup header followed by a compressed vmlinux.
// QEMU boots ktstr guests through PVH, which needs the uncompressed ELF
// vmlinux, so we unpack the payload ourselves (Documentation/arch/x86/boot.rst).
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "kernel/decompress.hpp"

namespace ktstr::kernel {

struct BzImageHeader {
  unsigned setup_sects = 0;     // 512-byte setup sectors after the boot sector
  uint16_t protocol = 0;        // boot protocol version, e.g. 0x020f
  uint32_t payload_offset = 0;  // from the start of the protected-mode code
  uint32_t payload_length = 0;  // includes bytes after the compressed stream
  size_t payload_start = 0;     // file offset of the compressed payload
  Compression compression = Compression::unknown;
  std::string kernel_version;  // header banner, e.g. "7.2.13+deb14-amd64 (...) #1 SMP ..."
  // First word of kernel_version: the release ("7.2.13+deb14-amd64").
  std::string release() const;
};

// Cheap magic check: boot flag 0xAA55 at 0x1fe and "HdrS" at 0x202.
bool looks_like_bzimage(std::span<const uint8_t> image);

// Parses and bounds-checks the header. Throws Error on bad magic, a boot
// protocol too old to locate the payload (< 2.08) or a truncated file.
BzImageHeader parse_bzimage_header(std::span<const uint8_t> image);

// Decompresses the payload and checks the result is an x86-64 ELF vmlinux.
std::vector<uint8_t> extract_vmlinux(std::span<const uint8_t> image);

// File version: reads `bzimage`, writes the vmlinux to `out` atomically.
// Error messages name the file.
void extract_vmlinux_file(const std::filesystem::path& bzimage, const std::filesystem::path& out);

}  // namespace ktstr::kernel
