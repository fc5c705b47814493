#include "vm/kvm/x86/elf_loader.hpp"

#include <elf.h>

#include <cstring>

#include "util/error.hpp"

namespace ktstr::vm::kvm {
namespace {

constexpr uint32_t kXenElfnotePhys32Entry = 18;

template <typename T>
T read_at(std::span<const uint8_t> d, uint64_t off) {
  if (off > d.size() || d.size() - off < sizeof(T)) fail("kernel image truncated (read at {:#x})", off);
  T v;
  std::memcpy(&v, d.data() + off, sizeof v);
  return v;
}

Elf64_Ehdr header(std::span<const uint8_t> elf) {
  auto h = read_at<Elf64_Ehdr>(elf, 0);
  if (std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0) fail("kernel is not an ELF file (boot a vmlinux)");
  if (h.e_ident[EI_CLASS] != ELFCLASS64 || h.e_machine != EM_X86_64) fail("kernel is not an x86-64 ELF");
  if (h.e_phentsize != sizeof(Elf64_Phdr)) fail("kernel ELF has odd program headers");
  return h;
}

Elf64_Phdr phdr(std::span<const uint8_t> elf, const Elf64_Ehdr& h, unsigned i) {
  return read_at<Elf64_Phdr>(elf, h.e_phoff + uint64_t{i} * sizeof(Elf64_Phdr));
}

std::optional<uint64_t> pvh_in_notes(std::span<const uint8_t> elf, uint64_t off, uint64_t size) {
  uint64_t end = off + size;
  while (off + sizeof(Elf64_Nhdr) <= end) {
    auto n = read_at<Elf64_Nhdr>(elf, off);
    uint64_t name = off + sizeof(Elf64_Nhdr);
    uint64_t desc = name + ((n.n_namesz + 3) & ~3u);
    if (n.n_type == kXenElfnotePhys32Entry && n.n_namesz == 4 && desc + n.n_descsz <= end &&
        std::memcmp(elf.data() + name, "Xen", 4) == 0) {
      if (n.n_descsz == 4) return read_at<uint32_t>(elf, desc);
      if (n.n_descsz == 8) return read_at<uint64_t>(elf, desc);
    }
    off = desc + ((n.n_descsz + 3) & ~3u);
  }
  return std::nullopt;
}

}  // namespace

std::optional<uint64_t> find_pvh_entry(std::span<const uint8_t> elf) {
  auto h = header(elf);
  for (unsigned i = 0; i < h.e_phnum; ++i) {
    auto p = phdr(elf, h, i);
    if (p.p_type == PT_NOTE)
      if (auto e = pvh_in_notes(elf, p.p_offset, p.p_filesz)) return e;
  }
  return std::nullopt;
}

LoadedKernel load_elf_kernel(std::span<const uint8_t> elf, const GuestMemory& mem) {
  auto h = header(elf);
  auto entry = find_pvh_entry(elf);
  if (!entry) fail("kernel has no PVH entry note (needs CONFIG_PVH=y); boot a bzImage or another kernel");
  LoadedKernel k;
  k.pvh_entry = *entry;
  for (unsigned i = 0; i < h.e_phnum; ++i) {
    auto p = phdr(elf, h, i);
    if (p.p_type != PT_LOAD || p.p_memsz == 0) continue;
    if (p.p_filesz > p.p_memsz || p.p_offset > elf.size() || elf.size() - p.p_offset < p.p_filesz)
      fail("kernel segment {} lies outside the file (truncated vmlinux?)", i);
    auto dst = mem.at(p.p_paddr, p.p_memsz);
    if (dst.empty())
      fail("kernel segment {} at {:#x}+{:#x} does not fit in {} MiB of guest RAM", i, p.p_paddr, p.p_memsz,
           mem.size() >> 20);
    std::memcpy(dst.data(), elf.data() + p.p_offset, p.p_filesz);
    std::memset(dst.data() + p.p_filesz, 0, p.p_memsz - p.p_filesz);
    k.end = std::max(k.end, p.p_paddr + p.p_memsz);
  }
  if (k.end == 0) fail("kernel ELF has no loadable segments");
  return k;
}

}  // namespace ktstr::vm::kvm
