#include "kernel/vmlinux_info.hpp"

#include <elf.h>

#include <cstring>

#include "kernel/mapped_file.hpp"
#include "util/error.hpp"

namespace ktstr::kernel {
namespace {

constexpr uint32_t kXenElfnotePhys32Entry = 18;

template <typename T>
T load(std::span<const uint8_t> d, uint64_t off) {
  T v;
  std::memcpy(&v, d.data() + off, sizeof v);
  return v;
}

bool fits(std::span<const uint8_t> d, uint64_t off, uint64_t len) { return off <= d.size() && len <= d.size() - off; }

uint64_t align4(uint64_t x) { return (x + 3) & ~uint64_t{3}; }

// Walks one PT_NOTE/SHT_NOTE area, recording the notes we care about.
void read_notes(std::span<const uint8_t> d, uint64_t off, uint64_t size, VmlinuxInfo& info) {
  uint64_t end = off + size;
  while (off + sizeof(Elf64_Nhdr) <= end) {
    auto nh = load<Elf64_Nhdr>(d, off);
    uint64_t name_off = off + sizeof(Elf64_Nhdr);
    uint64_t desc_off = name_off + align4(nh.n_namesz);
    uint64_t next = desc_off + align4(nh.n_descsz);
    if (next > end) break;  // malformed note: stop rather than read past it
    std::string_view name(reinterpret_cast<const char*>(d.data() + name_off), nh.n_namesz ? nh.n_namesz - 1 : 0);
    if (name == "Xen" && nh.n_type == kXenElfnotePhys32Entry && (nh.n_descsz == 4 || nh.n_descsz == 8)) {
      info.pvh_entry = nh.n_descsz == 4 ? load<uint32_t>(d, desc_off) : load<uint64_t>(d, desc_off);
    } else if (name == "GNU" && nh.n_type == NT_GNU_BUILD_ID && info.build_id.empty()) {
      static constexpr char hex[] = "0123456789abcdef";
      for (uint32_t i = 0; i < nh.n_descsz; ++i) {
        uint8_t b = d[desc_off + i];
        info.build_id += hex[b >> 4];
        info.build_id += hex[b & 15];
      }
    }
    off = next;
  }
}

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

}  // namespace

bool looks_like_elf(std::span<const uint8_t> d) { return d.size() >= 4 && std::memcmp(d.data(), ELFMAG, SELFMAG) == 0; }

VmlinuxInfo inspect_vmlinux(std::span<const uint8_t> d, bool find_release) {
  if (!looks_like_elf(d)) fail("not an ELF file (no \\x7fELF magic)");
  if (d.size() < sizeof(Elf64_Ehdr))
    fail("ELF file is truncated ({} bytes, header needs {})", d.size(), sizeof(Elf64_Ehdr));
  auto eh = load<Elf64_Ehdr>(d, 0);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
    fail("not an x86-64 kernel (ELF class {}, machine {}); ktstr boots x86-64 guests",
         eh.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32, eh.e_machine);
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
    fail("ELF file has no program headers; is this a kernel image?");
  if (!fits(d, eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr)))
    fail("ELF file is truncated: program headers at {:#x} lie past its end ({} bytes)", eh.e_phoff, d.size());

  VmlinuxInfo info;
  bool saw_note_segment = false;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    auto ph = load<Elf64_Phdr>(d, eh.e_phoff + uint64_t{i} * sizeof(Elf64_Phdr));
    if (!fits(d, ph.p_offset, ph.p_filesz))
      fail("ELF file is truncated: segment {} needs bytes up to {:#x} but the file has {:#x}", i,
           ph.p_offset + ph.p_filesz, d.size());
    if (ph.p_type == PT_NOTE) {
      saw_note_segment = true;
      read_notes(d, ph.p_offset, ph.p_filesz, info);
    }
  }
  if (eh.e_shoff != 0 && eh.e_shentsize == sizeof(Elf64_Shdr)) {
    if (!fits(d, eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr)))
      fail("ELF file is truncated: section headers at {:#x} lie past its end ({} bytes)", eh.e_shoff, d.size());
    // Some linkers put notes only in sections; read them if no PT_NOTE had them.
    if (!saw_note_segment) {
      for (unsigned i = 0; i < eh.e_shnum; ++i) {
        auto sh = load<Elf64_Shdr>(d, eh.e_shoff + uint64_t{i} * sizeof(Elf64_Shdr));
        if (sh.sh_type == SHT_NOTE && fits(d, sh.sh_offset, sh.sh_size)) read_notes(d, sh.sh_offset, sh.sh_size, info);
      }
    }
  }
  if (find_release) info.release = find_banner_release(d);
  return info;
}

VmlinuxInfo inspect_vmlinux_file(const std::filesystem::path& p, bool find_release) {
  auto f = MappedFile::open(p);
  try {
    return inspect_vmlinux(f.bytes(), find_release);
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
