#include "initramfs/stripped_copy.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>

#include "elf/elf_file.hpp"
#include "initramfs/sha256.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/log.hpp"
#include "util/process.hpp"

namespace ktstr::initramfs {
namespace fs = std::filesystem;

namespace {
// Read with the ELF reader (no objdump process); an unreadable file is
// packed as it is and fails later where its contents matter.
bool has_debug_sections(const fs::path& p) {
  try {
    auto f = elf::ElfFile::open(p);
    for (const auto& s : f.sections())
      if (s.name.starts_with(".debug_")) return true;
  } catch (const Error&) {
  }
  return false;
}
}  // namespace

fs::path stripped_copy(const fs::path& binary) {
  // /proc/self/exe of a binary deleted since it started has no canonical
  // path, but stat() and reads still reach the running inode.
  std::error_code ec;
  fs::path real = fs::canonical(binary, ec);
  if (ec) real = binary;
  struct stat st {};
  if (::stat(real.c_str(), &st) != 0) fail_errno("stat " + real.string());
  if (!find_in_path("objcopy")) return real;
  std::string identity = fmt::format("{}\n{}\n{}\n{}", real.string(), st.st_size,
                                     st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec, st.st_ino);
  fs::path dir = cache_root() / "stripped" / sha256_hex(identity).substr(0, 32);
  fs::path out = dir / real.filename();
  if (fs::exists(out)) return out;
  if (!has_debug_sections(real)) return real;

  fs::create_directories(dir);
  // Parallel VM runs in one process strip the same binary at once: each
  // needs its own temp file (the rename makes the last one win, harmlessly).
  static std::atomic<uint64_t> counter{0};
  fs::path tmp = out;
  tmp += fmt::format(".tmp.{}.{}", ::getpid(), counter++);
  auto r = run_capture({"objcopy", "--strip-debug", real.string(), tmp.string()}, std::chrono::minutes(2));
  if (!r.status.ok()) {
    fs::remove(tmp);
    log::warn("objcopy --strip-debug {} failed ({}); packing it unstripped", real.string(),
              r.status.describe());
    return real;
  }
  fs::rename(tmp, out);
  return out;
}

}  // namespace ktstr::initramfs
