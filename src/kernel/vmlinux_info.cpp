#include "kernel/vmlinux_info.hpp"

#include <elf.h>

#include <cstring>

#include "elf/elf_file.hpp"
#include "elf/pvh_note.hpp"
#include "util/error.hpp"

namespace ktstr::kernel {
namespace {

std::string find_banner_release(std::span<const uint8_t> d) {
  static constexpr std::string_view kBanner = "Linux version ";
  const char* base = reinterpret_cast<const char*>(d.data());
  size_t pos = 0;
  while (pos < d.size()) {
    auto* hit = static_cast<const char*>(::memmem(base + pos, d.size() - pos, kBanner.data(), kBanner.size()));
    if (!hit) break;
    size_t start = static_cast<size_t>(hit - base) + kBanner.size();
    size_t end = start;
    while (end < d.size() && end - start < 128 && base[end] > ' ' && base[end] < 0x7f) ++end;
    // The real banner has the release right after it; format strings
    // ("Linux version %s") do not start with a digit.
    if (end > start && base[start] >= '0' && base[start] <= '9') return std::string(base + start, end - start);
    pos = start;
  }
  return {};
}

// The ELF reader has checked that every segment and the section table lie
// inside the file (so a truncated decompression is caught); this checks
// that it is an x86-64 kernel and reads its notes.
VmlinuxInfo inspect(const elf::ElfFile& f, bool find_release) {
  if (f.elf_class() != ELFCLASS64 || f.data_encoding() != ELFDATA2LSB || f.machine() != EM_X86_64)
    fail("not an x86-64 kernel (ELF class {}, machine {}); ktstr boots x86-64 guests",
         f.elf_class() == ELFCLASS64 ? 64 : 32, f.machine());
  if (f.segments().empty()) fail("ELF file has no program headers; is this a kernel image?");
  VmlinuxInfo info;
  info.pvh_entry = elf::pvh_entry(f);  // little-endian, checked above
  for (const auto& n : f.notes()) {
    if (n.name == "GNU" && n.type == NT_GNU_BUILD_ID && info.build_id.empty()) {
      static constexpr char hex[] = "0123456789abcdef";
      for (uint8_t b : n.desc) {
        info.build_id += hex[b >> 4];
        info.build_id += hex[b & 15];
      }
    }
  }
  if (find_release) info.release = find_banner_release(f.bytes());
  return info;
}

}  // namespace

bool looks_like_elf(std::span<const uint8_t> d) { return elf::ElfFile::has_magic(d); }

VmlinuxInfo inspect_vmlinux(std::span<const uint8_t> d, bool find_release) {
  return inspect(elf::ElfFile::parse(d), find_release);
}

VmlinuxInfo inspect_vmlinux_file(const std::filesystem::path& p, bool find_release) {
  auto f = elf::ElfFile::open(p);  // its errors name the file
  try {
    return inspect(f, find_release);
  } catch (const Error& e) {
    fail("{}: {}", p.string(), e.what());
  }
}

void require_pvh(const VmlinuxInfo& info, std::string_view what) {
  if (info.pvh_entry) return;
  fail(
      "{} has no PVH entry point (ELF note \"Xen\" type 18, XEN_ELFNOTE_PHYS32_ENTRY). ktstr boots the "
      "uncompressed vmlinux directly with QEMU's PVH loader, which needs it: use a kernel built with "
      "CONFIG_PVH=y (Debian's amd64 kernels have it)",
      what);
}

}  // namespace ktstr::kernel
