#pragma once
// Where the dynamic loader looks for libraries, on the host and in the guest.
#include <filesystem>
#include <string>
#include <vector>

namespace ktstr::initramfs {

struct LibrarySearch {
  // Host: /etc/ld.so.conf directories (what ldconfig puts in ld.so.cache),
  // searched after DT_RPATH/DT_RUNPATH.
  std::vector<std::filesystem::path> conf_dirs;
  // Host: searched last (the usual system directories).
  std::vector<std::filesystem::path> default_dirs;
  // Guest: directories the guest loader searches without an ld.so.cache,
  // i.e. its compiled-in system directories. A library found on the host
  // anywhere else (e.g. /usr/local/lib via ld.so.conf) is placed in the first
  // of these so the guest loader finds it.
  std::vector<std::string> guest_system_dirs;

  // The host's configuration (cached after the first call).
  static const LibrarySearch& host();
};

// Directories listed in an ld.so.conf file, following "include" globs
// (relative globs are relative to the including file's directory).
std::vector<std::filesystem::path> parse_ld_so_conf(const std::filesystem::path& conf);

// The system directories a glibc loader searches, from `<loader>
// --list-diagnostics` (glibc >= 2.33); empty if the loader cannot tell.
std::vector<std::string> loader_system_dirs(const std::filesystem::path& loader);

}  // namespace ktstr::initramfs
