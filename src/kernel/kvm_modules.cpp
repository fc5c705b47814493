#include "kernel/kvm_modules.hpp"

#include "kernel/apt_repo.hpp"
#include "kernel/decompress.hpp"
#include "kernel/kernel_fetch.hpp"
#include "kernel/mapped_file.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/log.hpp"
#include "util/process.hpp"

namespace ktstr::kernel {
namespace fs = std::filesystem;
namespace {

// Where each module sits under usr/lib/modules/<version>/kernel/.
struct Where {
  const char* name;
  const char* path;
};
constexpr Where kModules[] = {{"irqbypass", "virt/lib/irqbypass"},
                              {"kvm", "arch/x86/kvm/kvm"},
                              {"ccp", "drivers/crypto/ccp/ccp"},
                              {"kvm-amd", "arch/x86/kvm/kvm-amd"}};

bool complete(const fs::path& dir) {
  std::error_code ec;
  for (const auto& m : kModules)
    if (!fs::is_regular_file(dir / (std::string(m.name) + ".ko"), ec)) return false;
  return true;
}

KvmModules describe(const fs::path& dir) {
  KvmModules k{dir, {}};
  for (const auto& m : kModules) k.load_order.push_back(dir / (std::string(m.name) + ".ko"));
  return k;
}

// Extracts just the four modules: unpacking the whole package takes 13 s,
// this ~8 s (the archive must still be decompressed to find them).
void extract(const fs::path& deb, const fs::path& into) {
  std::vector<std::string> cmd = {"sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -xf - -C \"$2\" --wildcards \"$3\" \"$4\" \"$5\" \"$6\"",
                                  "sh", deb.string(), into.string()};
  for (const auto& m : kModules) cmd.push_back(std::string("*/kernel/") + m.path + ".ko*");
  auto r = run_capture(cmd, std::chrono::minutes(5));
  if (r.timed_out || !r.status.ok()) fail("cannot unpack {}: {}", deb.string(), trim(r.err));
}

// Removed on every path unless renamed into place.
struct Scratch {
  fs::path path;
  ~Scratch() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

const std::vector<std::string>& kvm_module_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& m : kModules) v.push_back(m.name);
    return v;
  }();
  return names;
}

KvmModules fetch_kvm_modules(const std::string& version, const std::string& suite) {
  fs::path dir = cache_root() / "modules" / version;
  if (complete(dir)) return describe(dir);
  std::string package = "linux-modules-" + version;
  log::info("fetching {} from Debian {} for the KVM modules", package, suite);
  AptRepo repo(apt_state_root() / suite, system_debian_archive(), suite);
  repo.update();
  Scratch scratch{cache_root() / "modules" / (".staging-" + version)};
  const fs::path& staging = scratch.path;
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging / "deb");
  fs::create_directories(staging / "root");
  auto debs = repo.download({package}, staging / "deb");
  extract(debs.front(), staging / "root");
  fs::path tree = staging / "root/usr/lib/modules" / version / "kernel";
  for (const auto& m : kModules) {
    fs::path base = tree / m.path;
    std::vector<uint8_t> bytes;
    if (fs::is_regular_file(base.string() + ".ko", ec)) {
      fs::copy_file(base.string() + ".ko", staging / (std::string(m.name) + ".ko"));
      continue;
    }
    fs::path packed;
    for (const char* ext : {".ko.xz", ".ko.zst", ".ko.gz"})
      if (fs::is_regular_file(base.string() + ext, ec)) packed = base.string() + ext;
    if (packed.empty()) fail("{} has no module {} (looked for {}.ko*)", package, m.name, m.path);
    auto file = MappedFile::open(packed);
    auto data = file.bytes();
    auto out = decompress(data, detect_compression(data), size_t{64} << 20);
    write_file_atomic(staging / (std::string(m.name) + ".ko"), std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
  }
  fs::remove_all(staging / "deb", ec);
  fs::remove_all(staging / "root", ec);
  fs::remove_all(dir, ec);
  fs::rename(staging, dir, ec);
  if (ec) fail("cannot move the KVM modules into {}: {}", dir.string(), ec.message());
  scratch.path.clear();
  return describe(dir);
}

}  // namespace ktstr::kernel
