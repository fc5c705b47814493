#include "vm/kvm/x86/elf_loader.hpp"

#include <elf.h>

#include <algorithm>
#include <cstring>

#include "elf/elf_file.hpp"
#include "elf/pvh_note.hpp"
#include "util/error.hpp"

namespace ktstr::vm::kvm {
namespace {

// The kernel through the project's one ELF reader (src/elf, libelf), which
// has checked that the headers and every segment lie inside the file; what
// is left here is what a boot loader needs on top: x86-64, and the sizes a
// copy into guest RAM relies on.
elf::ElfFile open_kernel(std::span<const uint8_t> image) {
  if (!elf::ElfFile::has_magic(image)) fail("kernel is not an ELF file (boot a vmlinux)");
  auto f = [&] {
    try {
      return elf::ElfFile::parse(image);
    } catch (const Error& e) {
      fail("kernel image is truncated or corrupt: {}", e.what());
    }
  }();
  if (f.elf_class() != ELFCLASS64 || f.data_encoding() != ELFDATA2LSB || f.machine() != EM_X86_64)
    fail("kernel is not an x86-64 ELF");
  // libelf reads program headers at its own stride; a file that claims
  // another one is not what its tools made. (ELFCLASS64: the reader has
  // checked that the file holds a whole Elf64_Ehdr.)
  Elf64_Ehdr h;
  std::memcpy(&h, f.bytes().data(), sizeof h);
  if (h.e_phentsize != sizeof(Elf64_Phdr)) fail("kernel ELF has odd program headers");
  return f;
}

}  // namespace

std::optional<uint64_t> find_pvh_entry(std::span<const uint8_t> elf) { return elf::pvh_entry(open_kernel(elf)); }

LoadedKernel load_elf_kernel(std::span<const uint8_t> image, const GuestMemory& mem) {
  const elf::ElfFile f = open_kernel(image);
  auto entry = elf::pvh_entry(f);
  if (!entry) fail("kernel has no PVH entry note (needs CONFIG_PVH=y); boot a bzImage or another kernel");
  LoadedKernel k;
  k.pvh_entry = *entry;
  const auto& segs = f.segments();
  for (size_t i = 0; i < segs.size(); ++i) {
    const elf::Segment& p = segs[i];
    if (p.type != PT_LOAD || p.memsz == 0) continue;
    if (p.filesz > p.memsz) fail("kernel segment {} lies outside the file (truncated vmlinux?)", i);
    auto dst = mem.at(p.paddr, p.memsz);
    if (dst.empty())
      fail("kernel segment {} at {:#x}+{:#x} does not fit in {} MiB of guest RAM", i, p.paddr, p.memsz,
           mem.size() >> 20);
    auto src = f.contents(p);
    std::memcpy(dst.data(), src.data(), src.size());
    std::memset(dst.data() + src.size(), 0, p.memsz - src.size());
    k.end = std::max(k.end, p.paddr + p.memsz);
  }
  if (k.end == 0) fail("kernel ELF has no loadable segments");
  return k;
}

}  // namespace ktstr::vm::kvm
