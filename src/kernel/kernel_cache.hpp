#pragma once
// The on-disk kernel cache:
//   <cache_root()>/kernels/<version>/{vmlinux,vmlinuz,config,kernel.json}
//   <cache_root()>/kernels/.local/<key>/vmlinux   (unpacked explicit bzImages)
// Entries appear atomically: they are assembled in a staging directory next
// to their final place and renamed, so a reader never sees half a kernel and
// an interrupted fetch leaves only a hidden staging directory behind.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr::kernel {

// Contents of kernel.json: where the kernel came from and what it is.
struct KernelMeta {
  std::string version;                // cache key, e.g. "7.2.13+deb14-amd64"
  std::string source;                 // "debian" (fetched) or "local" (explicit file)
  std::vector<std::string> packages;  // Debian packages as name=version
  std::string suite;                  // Debian suite fetched from
  std::string origin;                 // archive URI or original file path
  std::string fetched_at;             // UTC, ISO 8601
  uint64_t vmlinux_size = 0;
  uint64_t vmlinuz_size = 0;
  uint64_t config_size = 0;
  std::string build_id;  // GNU build id of vmlinux (identifies the exact build)

  nlohmann::json to_json() const;
  // Tolerates missing fields (older or hand-made entries).
  static KernelMeta from_json(const nlohmann::json& j);
};

// Current time as "2026-11-24T03:54:00Z".
std::string utc_timestamp();

struct CachedKernel {
  std::filesystem::path dir;
  KernelMeta meta;
  std::filesystem::path vmlinux() const { return dir / "vmlinux"; }
  std::filesystem::path vmlinuz() const { return dir / "vmlinuz"; }  // may not exist
  std::filesystem::path config() const { return dir / "config"; }    // may not exist
};

// A private directory under the cache root, removed on destruction unless
// committed by KernelCache::install.
class StagingDir {
 public:
  explicit StagingDir(std::filesystem::path p) : path_(std::move(p)) {}
  StagingDir(StagingDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  StagingDir& operator=(StagingDir&&) = delete;
  StagingDir(const StagingDir&) = delete;
  ~StagingDir();
  const std::filesystem::path& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

class KernelCache {
 public:
  KernelCache();  // <cache_root()>/kernels
  explicit KernelCache(std::filesystem::path root);
  const std::filesystem::path& root() const { return root_; }

  // Complete entries (those with a vmlinux), newest version first.
  std::vector<CachedKernel> list() const;
  std::optional<CachedKernel> find(std::string_view version) const;

  StagingDir make_staging() const;
  // Writes kernel.json into `staging` and moves it to <root>/<meta.version>.
  // An existing entry is kept unless `replace` (then swapped atomically).
  CachedKernel install(StagingDir staging, const KernelMeta& meta, bool replace) const;

  // Removes one entry; false if it was not cached.
  bool remove(std::string_view version) const;
  // Removes every entry, unpacked local kernels and staging leftovers;
  // returns the number of versioned entries removed.
  size_t remove_all() const;

  // Directory for a vmlinux unpacked from a user-supplied bzImage.
  std::filesystem::path local_dir(std::string_view key) const { return root_ / ".local" / std::string(key); }

 private:
  std::filesystem::path root_;
};

}  // namespace ktstr::kernel
