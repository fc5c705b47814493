#include "kernel/kernel_resolve.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

#include "kernel/bzimage.hpp"
#include "kernel/kernel_fetch.hpp"
#include "kernel/kernel_version.hpp"
#include "kernel/mapped_file.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/log.hpp"

namespace ktstr::kernel {
namespace fs = std::filesystem;
namespace {

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

std::optional<fs::path> first_file(std::initializer_list<fs::path> candidates) {
  for (const auto& p : candidates)
    if (is_file(p)) return p;
  return std::nullopt;
}

// Newest "<prefix><version>" file in `dir` (boot/vmlinuz-6.1.0, config-6.1.0).
std::optional<fs::path> newest_with_prefix(const fs::path& dir, std::string_view prefix) {
  std::optional<fs::path> best;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    auto name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || !is_file(e.path())) continue;
    if (!best || compare_versions(name, best->filename().string()) > 0) best = e.path();
  }
  return best;
}

// usr/lib/modules/<ver>/<name> in an unpacked Debian package tree.
std::optional<fs::path> in_modules_dir(const fs::path& root, const char* name) {
  std::optional<fs::path> best;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root / "usr/lib/modules", ec)) {
    if (!is_file(e.path() / name)) continue;
    if (!best || compare_versions(e.path().filename().string(), best->parent_path().filename().string()) > 0)
      best = e.path() / name;
  }
  return best;
}

// Config that belongs to the image at `image`: vmlinuz-X -> config-X next to
// it, a plain config/.config beside it, or the build tree's .config for
// arch/x86/boot/bzImage.
std::optional<fs::path> config_near(const fs::path& image) {
  fs::path dir = image.parent_path();
  std::string name = image.filename().string();
  if (auto dash = name.find('-'); dash != std::string::npos) {
    std::string suffix = name.substr(dash);
    if (auto p = first_file({dir / ("config" + suffix), dir.parent_path() / "boot" / ("config" + suffix)})) return p;
  }
  if (auto p = first_file({dir / "config", dir / ".config"})) return p;
  if (name == "bzImage" && dir.filename() == "boot" && dir.parent_path().filename() == "x86")
    return first_file({dir.parent_path().parent_path().parent_path() / ".config"});
  return std::nullopt;
}

// 64-bit FNV-1a: a stable, dependency-free key for unpacked local images.
uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::string cached_versions(const KernelCache& cache) {
  std::string out;
  for (const auto& k : cache.list()) out += (out.empty() ? "" : ", ") + k.meta.version;
  return out.empty() ? "none" : out;
}

Kernel from_cache(const CachedKernel& c, std::string found_by) {
  Kernel k;
  k.version = c.meta.version;
  k.vmlinux = c.vmlinux();
  if (is_file(c.vmlinuz())) k.bzimage = c.vmlinuz();
  if (is_file(c.config())) k.config = c.config();
  k.found_by = std::move(found_by);
  k.meta = c.meta;
  return k;
}

// Exact version, else the newest cached version that `spec` is a prefix of
// at a component boundary ("7.2" matches "7.2.13+deb14-amd64", not "7.20").
std::optional<CachedKernel> find_cached(const KernelCache& cache, const std::string& spec) {
  if (auto k = cache.find(spec)) return k;
  if (!is_valid_version(spec)) return std::nullopt;
  for (const auto& k : cache.list()) {  // newest first
    const auto& v = k.meta.version;
    if (v.size() > spec.size() && v.rfind(spec, 0) == 0 &&
        std::string_view(".+-~").find(v[spec.size()]) != std::string_view::npos)
      return k;
  }
  return std::nullopt;
}

// The vmlinux for a user-supplied bzImage, unpacked once into the cache and
// reused while the image is unchanged (keyed by path, size and mtime).
fs::path unpack_local(const fs::path& bz, const BzImageHeader& h, const KernelCache& cache) {
  struct stat st {};
  if (::stat(bz.c_str(), &st) != 0) fail_errno("stat " + bz.string());
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(bz, ec);
  std::string id =
      fmt::format("{}\n{}\n{}.{}", (ec ? bz : canon).string(), st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  std::string release = h.release();
  std::string key = fmt::format("{}-{:016x}", is_valid_version(release) ? release : "bzImage", fnv1a(id));
  fs::path dir = cache.local_dir(key);
  fs::path out = dir / "vmlinux";
  if (is_file(out)) return out;
  fs::create_directories(dir, ec);
  if (ec) fail("cannot create {}: {}", dir.string(), ec.message());
  log::info("extracting vmlinux from {} ({}-compressed) into {}", bz.string(), compression_name(h.compression),
            dir.string());
  try {
    extract_vmlinux_file(bz, out);
  } catch (...) {
    fs::remove_all(dir, ec);  // nothing half-made left behind
    throw;
  }
  return out;
}

Kernel from_path(const fs::path& p, const std::string& origin, const KernelCache& cache) {
  Kernel k;
  k.found_by = origin;
  std::error_code ec;
  std::optional<fs::path> vmlinux, bzimage, config;
  if (fs::is_directory(p, ec)) {
    vmlinux = first_file({p / "vmlinux"});
    bzimage = first_file({p / "vmlinuz", p / "bzImage", p / "arch/x86/boot/bzImage"});
    if (!bzimage) bzimage = newest_with_prefix(p, "vmlinuz-");
    if (!bzimage) bzimage = newest_with_prefix(p / "boot", "vmlinuz-");
    if (!bzimage) bzimage = in_modules_dir(p, "vmlinuz");
    config = first_file({p / "config", p / ".config"});
    if (!config && bzimage) config = config_near(*bzimage);
    if (!config) config = in_modules_dir(p, "config");
    if (!vmlinux && !bzimage)
      fail(
          "{} {}: directory holds no kernel (looked for vmlinux, vmlinuz, bzImage, arch/x86/boot/bzImage, "
          "vmlinuz-*, boot/vmlinuz-*, usr/lib/modules/*/vmlinuz)",
          origin, p.string());
    if (auto text = try_read_file(p / "kernel.json")) {
      try {
        k.meta = KernelMeta::from_json(nlohmann::json::parse(*text));
        k.version = k.meta->version;
      } catch (const nlohmann::json::exception&) {
        // Not ours or damaged; the image itself still tells the version.
      }
    }
  } else if (is_file(p)) {
    auto f = MappedFile::open(p);
    if (looks_like_elf(f.bytes()))
      vmlinux = p;
    else if (looks_like_bzimage(f.bytes()))
      bzimage = p;
    else
      fail("{} {} is neither an ELF vmlinux nor an x86 bzImage", origin, p.string());
    config = config_near(p);
  } else {
    fail("{} {}: no such file or directory", origin, p.string());
  }

  if (bzimage) {
    BzImageHeader h;
    try {
      h = parse_bzimage_header(MappedFile::open(*bzimage).bytes());
    } catch (const Error& e) {
      fail("{}: {}", bzimage->string(), e.what());
    }
    if (k.version.empty()) k.version = h.release();
    k.bzimage = *bzimage;
    if (!vmlinux) vmlinux = unpack_local(*bzimage, h, cache);
  }
  k.vmlinux = *vmlinux;
  if (config) k.config = *config;
  if (k.version.empty()) {
    k.version = inspect_vmlinux_file(k.vmlinux, /*find_release=*/true).release;
    if (k.version.empty()) k.version = p.filename().string();
  }
  return k;
}

// Checks shared by every source: a bootable ELF with PVH, and the config.
void validate(Kernel& k, const ResolveOptions& opts) {
  k.info = inspect_vmlinux_file(k.vmlinux);
  require_pvh(k.info, fmt::format("kernel {} ({})", k.version, k.vmlinux.string()));
  if (k.config.empty()) {
    log::warn("no config found for kernel {} ({}); cannot verify it has sched_ext, BPF, BTF and PVH support", k.version,
              k.vmlinux.string());
    return;
  }
  k.cfg = KernelConfig::parse(read_file(k.config));
  if (opts.check_config) check_requirements(k.cfg, fmt::format("{} ({})", k.version, k.config.string()));
}

Kernel from_spec(const std::string& spec, const std::string& origin, const KernelCache& cache) {
  std::error_code ec;
  bool looks_like_path = spec.find('/') != std::string::npos || spec.rfind('.', 0) == 0;
  if (fs::exists(spec, ec) || looks_like_path) return from_path(spec, origin, cache);
  if (auto c = find_cached(cache, spec)) return from_cache(*c, origin);
  fail(
      "{} '{}' is not a file, a directory or a cached kernel version (cached: {}). Fetch it with "
      "`ktstr kernel fetch --version {}`",
      origin, spec, cached_versions(cache), spec);
}

}  // namespace

Kernel resolve_kernel(const std::optional<std::string>& explicit_spec, const ResolveOptions& opts) {
  return resolve_kernel(explicit_spec, opts, KernelCache());
}

Kernel resolve_kernel(const std::optional<std::string>& explicit_spec, const ResolveOptions& opts,
                      const KernelCache& cache) {
  Kernel k;
  const char* env = std::getenv(kKernelEnvVar);
  if (explicit_spec && !explicit_spec->empty()) {
    k = from_spec(*explicit_spec, opts.explicit_origin, cache);
  } else if (env && *env) {
    k = from_spec(env, kKernelEnvVar, cache);
  } else if (auto c = cache.find(kDefaultKernelVersion)) {
    k = from_cache(*c, "cache");
  } else if (auto all = cache.list(); !all.empty()) {
    k = from_cache(all.front(), "cache");
  } else if (opts.auto_fetch) {
    log::info("no kernel cached; fetching the default kernel {}", kDefaultKernelVersion);
    k = from_cache(fetch_kernel(FetchOptions{}, cache), "fetch");
  } else {
    fail(
        "no kernel found: pass --kernel PATH|VERSION, set {}, or run `ktstr kernel fetch` to download the "
        "default kernel ({}, about 15 MB) into {}",
        kKernelEnvVar, kDefaultKernelVersion, cache.root().string());
  }
  validate(k, opts);
  log::debug("kernel {} ({}) via {}", k.version, k.vmlinux.string(), k.found_by);
  return k;
}

nlohmann::json describe_kernel(const Kernel& k) {
  auto path = [](const fs::path& p) { return p.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.string()); };
  auto size = [](const fs::path& p) -> nlohmann::json {
    std::error_code ec;
    auto n = p.empty() ? 0 : fs::file_size(p, ec);
    return ec || p.empty() ? nlohmann::json(nullptr) : nlohmann::json(n);
  };
  nlohmann::json options = nlohmann::json::object();
  for (const auto& r : required_options()) {
    auto v = k.cfg.get(r.option);
    options[r.option] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  }
  // Not required, but what a scheduler developer wants to know at a glance.
  for (const char* extra : {"CONFIG_EXT_GROUP_SCHED", "CONFIG_SCHED_MC", "CONFIG_SCHED_SMT", "CONFIG_NUMA",
                            "CONFIG_PREEMPT", "CONFIG_PREEMPT_DYNAMIC", "CONFIG_HZ", "CONFIG_NO_HZ_FULL",
                            "CONFIG_SCHEDSTATS", "CONFIG_KALLSYMS", "CONFIG_IKCONFIG_PROC"}) {
    auto v = k.cfg.get(extra);
    options[extra] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  }
  nlohmann::json missing = nlohmann::json::array();
  if (!k.cfg.empty())
    for (const auto& r : missing_requirements(k.cfg)) missing.push_back(r.option);
  nlohmann::json j{{"version", k.version},
                   {"found_by", k.found_by},
                   {"vmlinux", path(k.vmlinux)},
                   {"vmlinux_size", size(k.vmlinux)},
                   {"bzimage", path(k.bzimage)},
                   {"bzimage_size", size(k.bzimage)},
                   {"config", path(k.config)},
                   {"build_id", k.info.build_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.info.build_id)},
                   {"pvh_entry", k.info.pvh_entry ? nlohmann::json(fmt::format("{:#x}", *k.info.pvh_entry))
                                                  : nlohmann::json(nullptr)},
                   {"config_known", !k.cfg.empty()},
                   {"missing_options", missing},
                   {"options", options}};
  if (k.meta) j["cache"] = k.meta->to_json();
  return j;
}

}  // namespace ktstr::kernel
