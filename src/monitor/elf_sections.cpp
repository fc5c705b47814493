#include "monitor/elf_sections.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "util/error.hpp"
#include "util/fd.hpp"

namespace ktstr::monitor {

bool ElfSection::has_bits() const { return type != SHT_NOBITS; }

ElfSections ElfSections::open(const std::filesystem::path& p) {
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open " + p.string());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail_errno("stat " + p.string());
  if (st.st_size < static_cast<off_t>(sizeof(Elf64_Ehdr))) fail("{} is too small to be an ELF file", p.string());
  Mapping m = Mapping::map_fd(fd.get(), static_cast<size_t>(st.st_size), 0, false);
  ElfSections e;
  try {
    e = parse({m.data(), m.size()});
  } catch (const Error& err) {
    fail("{}: {}", p.string(), err.what());
  }
  e.map_ = std::move(m);
  return e;
}

ElfSections ElfSections::parse(std::span<const uint8_t> b) {
  ElfSections e;
  e.bytes_ = b;
  if (b.size() < sizeof(Elf64_Ehdr) || std::memcmp(b.data(), ELFMAG, SELFMAG) != 0 || b[EI_CLASS] != ELFCLASS64)
    fail("not an ELF64 file");
  Elf64_Ehdr eh;
  std::memcpy(&eh, b.data(), sizeof eh);
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff > b.size() ||
      uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr) > b.size() - eh.e_shoff || eh.e_shstrndx >= eh.e_shnum)
    fail("ELF section table out of bounds (truncated file?)");
  auto shdr = [&](unsigned i) {
    Elf64_Shdr s;
    std::memcpy(&s, b.data() + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof s);
    return s;
  };
  Elf64_Shdr strs = shdr(eh.e_shstrndx);
  if (strs.sh_offset > b.size() || strs.sh_size > b.size() - strs.sh_offset) fail("ELF .shstrtab out of bounds");
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr s = shdr(i);
    ElfSection sec;
    if (s.sh_name < strs.sh_size) {
      const char* n = reinterpret_cast<const char*>(b.data() + strs.sh_offset + s.sh_name);
      sec.name.assign(n, strnlen(n, strs.sh_size - s.sh_name));
    }
    sec.type = s.sh_type;
    sec.addr = s.sh_addr;
    sec.offset = s.sh_offset;
    sec.size = s.sh_size;
    if (sec.has_bits() && sec.type != SHT_NULL && (s.sh_offset > b.size() || s.sh_size > b.size() - s.sh_offset))
      fail("ELF section '{}' lies outside the file (truncated file?)", sec.name);
    e.sections_.push_back(std::move(sec));
  }
  return e;
}

const ElfSection* ElfSections::find(std::string_view name) const {
  for (const auto& s : sections_)
    if (s.name == name) return &s;
  return nullptr;
}

std::span<const uint8_t> ElfSections::contents(const ElfSection& s) const {
  if (!s.has_bits() || s.type == SHT_NULL) return {};
  return bytes_.subspan(s.offset, s.size);
}

std::span<const uint8_t> ElfSections::at_addr(uint64_t addr, uint64_t len) const {
  for (const auto& s : sections_) {
    if (!s.has_bits() || s.type == SHT_NULL || s.addr == 0) continue;
    if (addr >= s.addr && addr - s.addr < s.size && len <= s.size - (addr - s.addr))
      return bytes_.subspan(s.offset + (addr - s.addr), len);
  }
  return {};
}

}  // namespace ktstr::monitor
