#include "initramfs/plan.hpp"

#include <sys/stat.h>

#include <set>

#include "initramfs/busybox.hpp"
#include "initramfs/cpio_writer.hpp"
#include "initramfs/elf_closure.hpp"
#include "initramfs/sha256.hpp"
#include "util/error.hpp"

namespace ktstr::initramfs {
namespace fs = std::filesystem;
namespace {

// Bump when the archive layout changes, so stale cache entries stop matching.
constexpr std::string_view kFormatVersion = "ktstr-initramfs-v1";

struct SkeletonDir {
  const char* path;
  uint32_t mode;
};
constexpr SkeletonDir kSkeleton[] = {{"dev", 0755}, {"proc", 0555},         {"sys", 0555},
                                     {"sys/fs", 0755}, {"sys/fs/cgroup", 0755}, {"tmp", 01777},
                                     {"run", 0755}};

// Identity of a host file: cheap to compute, and changes whenever the file
// is rebuilt or replaced (new inode or mtime), which is what invalidates.
void hash_identity(Sha256& h, const fs::path& host) {
  std::error_code ec;
  fs::path real = fs::canonical(host, ec);
  struct stat st;
  if (ec || ::stat(real.c_str(), &st) != 0)
    fail("initramfs: cannot read host file {}", host.string());
  h.field(real.string());
  h.field(static_cast<uint64_t>(st.st_size));
  h.field(static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
          static_cast<uint64_t>(st.st_mtim.tv_nsec));
  h.field(static_cast<uint64_t>(st.st_ino));
  h.field(static_cast<uint64_t>(st.st_dev));
}

}  // namespace

Plan make_plan(const InitramfsSpec& spec) {
  Plan p;
  p.compression = spec.compression;
  p.skeleton = spec.skeleton;
  std::set<std::string> claimed;
  auto claim = [&](const std::string& norm) {
    if (!claimed.insert(norm).second) fail("initramfs spec lists /{} more than once", norm);
  };
  for (const auto& e : spec.entries) {
    std::string norm = normalize_guest_path(e.guest_path);
    claim(norm);
    if (e.kind == Entry::Kind::host_file) {
      std::error_code ec;
      if (!fs::is_regular_file(e.host_path, ec))
        fail("initramfs entry /{}: host file {} does not exist or is not a regular file", norm,
             e.host_path.string());
    }
    p.items.push_back({e.kind, norm, e.mode, e.host_path, e.data});
  }
  std::vector<ClosureRoot> roots;
  for (const auto& b : spec.binaries) {
    std::string norm = normalize_guest_path(b.guest);
    claim(norm);
    p.items.push_back({Entry::Kind::host_file, norm, b.mode, b.host, {}});
    roots.push_back({b.host, "/" + norm});
  }
  // Explicit entries win over closure files at the same guest path.
  for (const auto& d : elf_closure(roots)) {
    std::string norm = normalize_guest_path(d.guest_path);
    if (!claimed.insert(norm).second) continue;
    // 0755: the kernel requires exec permission on the program interpreter.
    p.items.push_back({Entry::Kind::host_file, norm, 0755, d.host_path, {}});
  }
  if (spec.include_busybox) {
    p.busybox = find_static_busybox();
    if (claimed.insert("bin/busybox").second)
      p.items.push_back({Entry::Kind::host_file, "bin/busybox", 0755, *p.busybox, {}});
  }
  return p;
}

std::string plan_key(const Plan& plan) {
  Sha256 h;
  h.field(kFormatVersion);
  h.field(compression_name(plan.compression));
  h.field(uint64_t{plan.skeleton});
  h.field(uint64_t{plan.busybox.has_value()});
  if (plan.busybox) hash_identity(h, *plan.busybox);
  h.field(plan.items.size());
  for (const auto& it : plan.items) {
    h.field(static_cast<uint64_t>(it.kind));
    h.field(it.guest);
    h.field(uint64_t{it.mode});
    h.field(it.data);
    if (it.kind == Entry::Kind::host_file) hash_identity(h, it.host);
  }
  return h.hex().substr(0, 32);  // 128 bits is plenty and keeps names short
}

size_t write_plan(const Plan& plan, std::string& out) {
  CpioWriter w(string_sink(out));
  for (const auto& d : kSkeleton) {
    if (plan.skeleton) w.add_directory(d.path, d.mode);
    else w.assume_directory(d.path);
  }
  if (plan.skeleton) w.add_char_device("dev/console", 5, 1, 0600);
  // Explicit directories first: a directory already created as some file's
  // parent would otherwise keep the default mode instead of the requested one.
  for (const auto& it : plan.items)
    if (it.kind == Entry::Kind::directory) w.add_directory(it.guest, it.mode);
  for (const auto& it : plan.items) {
    switch (it.kind) {
      case Entry::Kind::host_file: w.add_file_from_host(it.guest, it.host, it.mode); break;
      case Entry::Kind::bytes: w.add_file(it.guest, it.data, it.mode); break;
      case Entry::Kind::directory: break;  // done above
      case Entry::Kind::symlink: w.add_symlink(it.guest, it.data); break;
    }
  }
  if (plan.busybox) {
    std::vector<std::string> applets = busybox_applets(*plan.busybox);
    applets.push_back("sh");  // PID 1 helpers rely on /bin/sh even if unlisted
    for (const auto& a : applets) {
      std::string path = "bin/" + a;
      // Relative target: resolves to the busybox next to it.
      if (!w.contains(path)) w.add_symlink(path, "busybox");
    }
  }
  w.finish();
  return w.entry_count();
}

}  // namespace ktstr::initramfs
