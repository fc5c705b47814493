#pragma once
// What the dynamic loader needs from an ELF file (read by elf/elf_file).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ktstr::initramfs {

struct ElfInfo {
  int elf_class = 0;  // ELFCLASS32 / ELFCLASS64
  int machine = 0;    // EM_X86_64, ...
  int type = 0;       // ET_EXEC / ET_DYN
  std::optional<std::string> interp;  // PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2
  std::optional<std::string> soname;  // DT_SONAME
  std::vector<std::string> needed;    // DT_NEEDED, in order
  std::vector<std::string> rpath;     // DT_RPATH, split on ':'
  std::vector<std::string> runpath;   // DT_RUNPATH, split on ':'

  // No loader and no libraries: runs as-is in an empty guest (this includes
  // static-pie, which has a dynamic section but relocates itself).
  bool is_static() const { return !interp && needed.empty(); }
};

// Throws ktstr::Error naming the file if it cannot be read, is not ELF, or is
// neither an executable nor a shared object.
ElfInfo read_elf_info(const std::filesystem::path& path);
// nullopt instead of throwing: for probing library candidates.
std::optional<ElfInfo> try_read_elf_info(const std::filesystem::path& path);

}  // namespace ktstr::initramfs
