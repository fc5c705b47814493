// ELF readers over corrupted images: the kernel image inspector (PVH note,
// release string), the section reader and kallsyms decoder the monitor
// uses, and the initramfs closure's reader (through a memfd path) -- all
// on the one libelf reader, elf/elf_file.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "elf/elf_file.hpp"
#include "initramfs/elf_info.hpp"
#include "kernel/vmlinux_info.hpp"
#include "monitor/kallsyms.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  try {
    (void)ktstr::kernel::inspect_vmlinux(bytes, /*find_release=*/true);
  } catch (const ktstr::Error&) {
  }
  try {
    auto elf = ktstr::elf::ElfFile::parse(bytes);
    for (const auto& s : elf.sections()) (void)elf.contents(s);
    for (const auto& s : elf.segments()) (void)elf.contents(s);
    (void)elf.notes();
    (void)elf.interp();
    try {
      (void)elf.dynamic();
    } catch (const ktstr::Error&) {
    }
    (void)ktstr::monitor::SymbolTable::decode(elf);
  } catch (const ktstr::Error&) {
  }
  static int fd = ::memfd_create("fuzz-elf", 0);
  if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, data, size, 0) == static_cast<ssize_t>(size)) {
    (void)ktstr::initramfs::try_read_elf_info("/proc/self/fd/" + std::to_string(fd));
  }
  return 0;
}
