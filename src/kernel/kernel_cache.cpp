#include "kernel/kernel_cache.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>

#include "kernel/kernel_version.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/log.hpp"

namespace ktstr::kernel {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

template <typename T>
void get_if(const json& j, const char* key, T& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) {
    try {
      out = it->get<T>();
    } catch (const json::exception&) {
      // Wrong type in a hand-edited file: keep the default.
    }
  }
}

// Renames the directory out of the way first so concurrent readers see it
// vanish at once, then deletes it.
void remove_dir(const fs::path& dir) {
  static std::atomic<unsigned> counter{0};
  fs::path trash = dir.parent_path() / fmt::format(".trash-{}-{}", ::getpid(), counter++);
  std::error_code ec;
  fs::rename(dir, trash, ec);
  fs::remove_all(ec ? dir : trash, ec);
  if (ec) fail("cannot remove {}: {}", dir.string(), ec.message());
}

std::optional<CachedKernel> load_entry(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / "vmlinux", ec)) return std::nullopt;
  CachedKernel k{dir, {}};
  if (auto text = try_read_file(dir / "kernel.json")) {
    try {
      k.meta = KernelMeta::from_json(json::parse(*text));
    } catch (const json::exception& e) {
      log::warn("ignoring unreadable {}: {}", (dir / "kernel.json").string(), e.what());
    }
  }
  // The directory name is the key; kernel.json only describes it.
  k.meta.version = dir.filename().string();
  return k;
}

}  // namespace

json KernelMeta::to_json() const {
  return json{{"version", version},
              {"source", source},
              {"packages", packages},
              {"suite", suite},
              {"origin", origin},
              {"fetched_at", fetched_at},
              {"vmlinux_size", vmlinux_size},
              {"vmlinuz_size", vmlinuz_size},
              {"config_size", config_size},
              {"build_id", build_id}};
}

KernelMeta KernelMeta::from_json(const json& j) {
  KernelMeta m;
  if (!j.is_object()) return m;
  get_if(j, "version", m.version);
  get_if(j, "source", m.source);
  get_if(j, "packages", m.packages);
  get_if(j, "suite", m.suite);
  get_if(j, "origin", m.origin);
  get_if(j, "fetched_at", m.fetched_at);
  get_if(j, "vmlinux_size", m.vmlinux_size);
  get_if(j, "vmlinuz_size", m.vmlinuz_size);
  get_if(j, "config_size", m.config_size);
  get_if(j, "build_id", m.build_id);
  return m;
}

std::string utc_timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

StagingDir::~StagingDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

KernelCache::KernelCache() : KernelCache(cache_root() / "kernels") {}

KernelCache::KernelCache(fs::path root) : root_(std::move(root)) {}

std::vector<CachedKernel> KernelCache::list() const {
  std::vector<CachedKernel> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || !e.is_directory(ec)) continue;  // hidden: staging, .local
    if (auto k = load_entry(e.path())) out.push_back(std::move(*k));
  }
  std::sort(out.begin(), out.end(), [](const CachedKernel& a, const CachedKernel& b) {
    return compare_versions(a.meta.version, b.meta.version) > 0;
  });
  return out;
}

std::optional<CachedKernel> KernelCache::find(std::string_view version) const {
  if (!is_valid_version(version)) return std::nullopt;
  return load_entry(root_ / std::string(version));
}

StagingDir KernelCache::make_staging() const {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec) fail("cannot create kernel cache {}: {}", root_.string(), ec.message());
  std::string templ = (root_ / ".staging-XXXXXX").string();
  if (!::mkdtemp(templ.data())) fail_errno("create staging directory in " + root_.string());
  return StagingDir(templ);
}

CachedKernel KernelCache::install(StagingDir staging, const KernelMeta& meta, bool replace) const {
  if (!is_valid_version(meta.version)) fail("refusing to cache kernel with invalid version '{}'", meta.version);
  const fs::path& src = staging.path();
  if (!fs::is_regular_file(src / "vmlinux")) fail("internal: staging {} has no vmlinux", src.string());
  write_file_atomic(src / "kernel.json", meta.to_json().dump(2) + "\n");
  // mkdtemp made it 0700; a cache entry is as readable as the rest of the cache.
  std::error_code ec;
  fs::permissions(src,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                      fs::perms::others_exec,
                  ec);
  fs::path dst = root_ / meta.version;
  if (::renameat2(AT_FDCWD, src.c_str(), AT_FDCWD, dst.c_str(), RENAME_NOREPLACE) == 0) {
    staging.release();
    return *load_entry(dst);
  }
  if (errno != EEXIST && errno != ENOTEMPTY) fail_errno(fmt::format("rename {} -> {}", src.string(), dst.string()));
  if (!replace) {
    // Someone (a concurrent fetch) got there first; theirs is as good.
    log::info("kernel {} is already cached; keeping the existing copy", meta.version);
    if (auto k = load_entry(dst)) return *k;
    fail("{} exists but holds no vmlinux; remove it with `ktstr kernel clean {}`", dst.string(), meta.version);
  }
  // Swap new and old in one step, then delete the old (now at `src`).
  if (::renameat2(AT_FDCWD, src.c_str(), AT_FDCWD, dst.c_str(), RENAME_EXCHANGE) != 0)
    fail_errno(fmt::format("replace {} with {}", dst.string(), src.string()));
  auto k = load_entry(dst);
  return *k;  // staging's destructor removes the old entry now living at src
}

bool KernelCache::remove(std::string_view version) const {
  if (!is_valid_version(version)) fail("'{}' is not a kernel version", version);
  fs::path dir = root_ / std::string(version);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  remove_dir(dir);
  return true;
}

size_t KernelCache::remove_all() const {
  size_t n = 0;
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root_, ec)) dirs.push_back(e.path());
  for (const auto& d : dirs) {
    std::string name = d.filename().string();
    bool hidden = !name.empty() && name[0] == '.';
    if (fs::is_directory(d, ec)) {
      remove_dir(d);
      if (!hidden) ++n;
    }
  }
  return n;
}

}  // namespace ktstr::kernel
