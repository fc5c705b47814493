#pragma once
// Everything a dynamically linked executable needs to run in an empty guest:
// its program interpreter (PT_INTERP) and DT_NEEDED libraries, recursively,
// resolved the way glibc's ld.so resolves them.
#include <filesystem>
#include <string>
#include <vector>

#include "initramfs/ld_search.hpp"

namespace ktstr::initramfs {

struct Dependency {
  // Where the guest loader will look the file up, e.g.
  // /lib64/ld-linux-x86-64.so.2 or /lib/x86_64-linux-gnu/libc.so.6.
  std::string guest_path;
  // realpath of the host file: the guest gets its contents at guest_path,
  // without the host's symlink chain (libc.so.6 -> libc-2.36.so etc.).
  std::filesystem::path host_path;
  bool operator==(const Dependency&) const = default;
};

struct ClosureRoot {
  std::filesystem::path host;  // executable on the host
  std::string guest;           // where it will live in the guest ($ORIGIN there)
};

// Dependencies of all roots, deduplicated, sorted by guest path. Static
// executables contribute nothing. Search order per library: DT_RPATH of the
// requesting object and its loaders (only when the object has no DT_RUNPATH),
// else DT_RUNPATH, with $ORIGIN expanded; then search.conf_dirs; then
// search.default_dirs. LD_LIBRARY_PATH is ignored on purpose: the guest does
// not have it. Entries using $LIB or $PLATFORM are skipped.
// Throws ktstr::Error naming the executable for non-ELF input, a missing
// interpreter, or a DT_NEEDED library that cannot be found.
std::vector<Dependency> elf_closure(const std::vector<ClosureRoot>& roots,
                                    const LibrarySearch& search = LibrarySearch::host());
// One executable that keeps its host path in the guest.
std::vector<Dependency> elf_closure(const std::filesystem::path& exe);

}  // namespace ktstr::initramfs
