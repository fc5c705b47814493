#include "initramfs/elf_info.hpp"

#include <elf.h>

#include "elf/elf_file.hpp"
#include "util/error.hpp"

namespace ktstr::initramfs {

ElfInfo read_elf_info(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::optional<elf::ElfFile> f;
  try {
    f.emplace(elf::ElfFile::open(path));
  } catch (const Error& e) {
    // Say what was expected: this is a binary to pack into the guest.
    if (std::string_view(e.what()).find("not an ELF file") != std::string_view::npos)
      fail("{} is not an ELF file (expected a compiled executable or shared library)", name);
    throw;
  }
  ElfInfo info;
  info.elf_class = f->elf_class();
  info.machine = f->machine();
  info.type = f->type();
  if (info.type != ET_EXEC && info.type != ET_DYN) fail("{}: ELF file is not an executable or shared library", name);
  info.interp = f->interp();
  try {
    auto d = f->dynamic();
    info.soname = std::move(d.soname);
    info.needed = std::move(d.needed);
    info.rpath = std::move(d.rpath);
    info.runpath = std::move(d.runpath);
  } catch (const Error& e) {
    fail("{}: {}", name, e.what());
  }
  return info;
}

std::optional<ElfInfo> try_read_elf_info(const std::filesystem::path& path) {
  try {
    return read_elf_info(path);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace ktstr::initramfs
