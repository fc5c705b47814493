#include "kernel/bzimage.hpp"

#include <cstring>

#include "kernel/mapped_file.hpp"
#include "kernel/vmlinux_info.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::kernel {
namespace {

// Offsets in the setup header (Documentation/arch/x86/boot.rst).
constexpr size_t kSetupSects = 0x1f1;
constexpr size_t kBootFlag = 0x1fe;
constexpr size_t kHeaderMagic = 0x202;
constexpr size_t kVersion = 0x206;
constexpr size_t kKernelVersion = 0x20e;
constexpr size_t kPayloadOffset = 0x248;
constexpr size_t kPayloadLength = 0x24c;
constexpr size_t kHeaderEnd = 0x250;

uint16_t le16(std::span<const uint8_t> d, size_t off) { return uint16_t(d[off] | d[off + 1] << 8); }
uint32_t le32(std::span<const uint8_t> d, size_t off) {
  return uint32_t(d[off]) | uint32_t(d[off + 1]) << 8 | uint32_t(d[off + 2]) << 16 | uint32_t(d[off + 3]) << 24;
}

std::string header_banner(std::span<const uint8_t> d, uint16_t protocol) {
  if (protocol < 0x200) return {};
  size_t off = le16(d, kKernelVersion);
  if (off == 0) return {};
  off += 0x200;  // the pointer is relative to the start of the setup code
  std::string out;
  for (size_t i = off; i < d.size() && out.size() < 256 && d[i] != 0; ++i) out += static_cast<char>(d[i]);
  return out;
}

}  // namespace

std::string BzImageHeader::release() const {
  auto sp = kernel_version.find(' ');
  return kernel_version.substr(0, sp);
}

bool looks_like_bzimage(std::span<const uint8_t> d) {
  return d.size() >= kHeaderEnd && le16(d, kBootFlag) == 0xAA55 && std::memcmp(d.data() + kHeaderMagic, "HdrS", 4) == 0;
}

BzImageHeader parse_bzimage_header(std::span<const uint8_t> d) {
  if (d.size() < kHeaderEnd) fail("not a bzImage: file is only {} bytes, smaller than the x86 setup header", d.size());
  if (!looks_like_bzimage(d)) fail("not a bzImage: no \"HdrS\" setup header magic at offset 0x202");
  BzImageHeader h;
  h.setup_sects = d[kSetupSects] ? d[kSetupSects] : 4;  // 0 means 4 for ancient loaders' sake
  h.protocol = le16(d, kVersion);
  if (h.protocol < 0x208)
    fail("bzImage boot protocol {}.{:02} is too old: the payload location needs protocol 2.08 (Linux 2.6.26+)",
         h.protocol >> 8, h.protocol & 0xff);
  h.payload_offset = le32(d, kPayloadOffset);
  h.payload_length = le32(d, kPayloadLength);
  h.payload_start = (size_t{h.setup_sects} + 1) * 512 + h.payload_offset;
  h.kernel_version = header_banner(d, h.protocol);
  if (h.payload_length == 0) fail("bzImage header declares an empty payload");
  if (h.payload_start > d.size() || h.payload_length > d.size() - h.payload_start)
    fail("bzImage is truncated: payload needs bytes {:#x}..{:#x} but the file has {:#x}", h.payload_start,
         h.payload_start + h.payload_length, d.size());
  h.compression = detect_compression(d.subspan(h.payload_start, h.payload_length));
  return h;
}

std::vector<uint8_t> extract_vmlinux(std::span<const uint8_t> image) {
  auto h = parse_bzimage_header(image);
  if (h.compression == Compression::unknown)
    fail("bzImage payload has an unrecognised compression format (first bytes at {:#x} match no known magic)",
         h.payload_start);
  auto out = decompress(image.subspan(h.payload_start, h.payload_length), h.compression);
  try {
    inspect_vmlinux(out);
  } catch (const Error& e) {
    fail("bzImage payload decompressed ({}) but is not a usable vmlinux: {}", compression_name(h.compression),
         e.what());
  }
  return out;
}

void extract_vmlinux_file(const std::filesystem::path& bzimage, const std::filesystem::path& out) {
  auto f = MappedFile::open(bzimage);
  std::vector<uint8_t> vmlinux;
  try {
    vmlinux = extract_vmlinux(f.bytes());
  } catch (const Error& e) {
    fail("{}: {}", bzimage.string(), e.what());
  }
  write_file_atomic(out, std::string_view(reinterpret_cast<const char*>(vmlinux.data()), vmlinux.size()));
}

}  // namespace ktstr::kernel
