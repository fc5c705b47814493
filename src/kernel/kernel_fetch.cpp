#include "kernel/kernel_fetch.hpp"

#include <cctype>
#include <chrono>

#include "kernel/apt_repo.hpp"
#include "kernel/bzimage.hpp"
#include "kernel/kernel_config.hpp"
#include "kernel/mapped_file.hpp"
#include "kernel/vmlinux_info.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/log.hpp"

namespace ktstr::kernel {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string mb(uint64_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

uint64_t size_of(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

bool valid_suite(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') return false;
  return true;
}

// First existing path among the two package layouts (see debian_packages.hpp).
std::optional<fs::path> first_existing(std::initializer_list<fs::path> candidates) {
  std::error_code ec;
  for (const auto& p : candidates)
    if (fs::is_regular_file(p, ec)) return p;
  return std::nullopt;
}

void move_file(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) fail("cannot move {} to {}: {}", from.string(), to.string(), ec.message());
}

std::string join_list(const std::vector<std::string>& items) {
  if (items.empty()) return "none";
  std::string out;
  for (const auto& v : items) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// The concrete version to fetch: opts.version, or for "latest" the newest
// the suite offers.
std::string choose_version(const FetchOptions& opts, const std::vector<PackageRecord>& records) {
  if (opts.version != kLatest) return opts.version;
  std::vector<std::string> names;
  for (const auto& r : records) names.push_back(r.name);
  auto v = pick_latest_version(names);
  if (!v) fail("Debian {} offers no amd64 kernel packages", opts.suite);
  log::info("latest kernel in {} is {}", opts.suite, *v);
  return *v;
}

// Downloads and unpacks `plan` in a scratch dir inside `st`, leaving only
// st/vmlinuz and (if shipped) st/config. Returns whether a config came.
bool download_kernel_files(const AptRepo& repo, const std::vector<PackageRecord>& plan, const std::string& version,
                           const fs::path& st) {
  fs::path debs = st / "debs", root = st / "root";
  fs::create_directories(debs);
  fs::create_directories(root);
  uint64_t total = 0;
  std::vector<std::string> names;
  for (const auto& p : plan) {
    total += p.size;
    names.push_back(p.name);
  }
  log::info("downloading {} ({})", join_list(names), mb(total));
  auto t = Clock::now();
  for (const auto& deb : repo.download(names, debs)) dpkg_extract(deb, root);
  log::debug("downloaded and unpacked in {:.1f} s", seconds_since(t));

  fs::path modules = root / "usr/lib/modules" / version;
  auto vmlinuz = first_existing({modules / "vmlinuz", root / "boot" / ("vmlinuz-" + version)});
  if (!vmlinuz)
    fail("{} contains no kernel image (looked for usr/lib/modules/{}/vmlinuz and boot/vmlinuz-{})", join_list(names),
         version, version);
  auto config = first_existing({modules / "config", root / "boot" / ("config-" + version)});
  move_file(*vmlinuz, st / "vmlinuz");
  if (config) move_file(*config, st / "config");
  fs::remove_all(debs);
  fs::remove_all(root);
  return config.has_value();
}

// st/vmlinuz -> st/vmlinux, checked bootable.
VmlinuxInfo make_vmlinux(const fs::path& st, const std::string& version, const std::string& what) {
  auto t = Clock::now();
  {
    auto header = parse_bzimage_header(MappedFile::open(st / "vmlinuz").bytes());
    log::info("extracting vmlinux ({}-compressed, {})", compression_name(header.compression),
              mb(header.payload_length));
    if (!header.release().empty() && header.release() != version)
      log::warn("image reports release {} but the package is {}", header.release(), version);
  }
  extract_vmlinux_file(st / "vmlinuz", st / "vmlinux");
  auto info = inspect_vmlinux_file(st / "vmlinux");
  require_pvh(info, "kernel " + what);
  log::debug("extracted in {:.1f} s", seconds_since(t));
  return info;
}

}  // namespace

fs::path apt_state_root() { return cache_root() / "apt"; }

CachedKernel fetch_kernel(const FetchOptions& opts) { return fetch_kernel(opts, KernelCache()); }

CachedKernel fetch_kernel(const FetchOptions& opts, const KernelCache& cache) {
  auto t0 = Clock::now();
  if (opts.version != kLatest && !is_valid_version(opts.version))
    fail("'{}' is not a valid kernel version", opts.version);
  if (!valid_suite(opts.suite)) fail("'{}' is not a valid Debian suite name", opts.suite);
  auto cached = [&](const std::string& v) -> std::optional<CachedKernel> {
    auto k = opts.force ? std::nullopt : cache.find(v);
    if (k) log::info("kernel {} is already cached in {} (--force fetches it again)", v, k->dir.string());
    return k;
  };
  if (opts.version != kLatest)
    if (auto k = cached(opts.version)) return *k;

  ArchiveLocation archive = system_debian_archive();
  AptRepo repo(apt_state_root() / opts.suite, archive, opts.suite);
  log::info("updating package list of Debian {} from {}", opts.suite, archive.uri);
  auto t = Clock::now();
  repo.update();
  auto records = repo.find_packages(kKernelPackageRegex);
  log::debug("package list ready in {:.1f} s", seconds_since(t));

  std::string version = choose_version(opts, records);
  if (opts.version == kLatest)
    if (auto k = cached(version)) return *k;
  auto plan = plan_packages(records, version);
  if (plan.empty())
    fail(
        "Debian {} does not offer kernel {}; it offers: {}. Pick one with --version, or another suite with "
        "--suite (e.g. trixie-backports)",
        opts.suite, version, join_list(available_versions(records)));

  StagingDir staging = cache.make_staging();
  const fs::path& st = staging.path();
  bool has_config = download_kernel_files(repo, plan, version, st);
  // Check options before the slow extraction: a kernel without sched_ext is useless.
  std::string what = fmt::format("{} (Debian {})", version, opts.suite);
  if (has_config)
    check_requirements(KernelConfig::parse(read_file(st / "config")), what);
  else
    log::warn("kernel {} ships no config; cannot verify its options", what);
  VmlinuxInfo info = make_vmlinux(st, version, what);

  KernelMeta meta;
  meta.version = version;
  meta.source = "debian";
  for (const auto& p : plan) meta.packages.push_back(p.name + "=" + p.version);
  meta.suite = opts.suite;
  meta.origin = archive.uri;
  meta.fetched_at = utc_timestamp();
  meta.vmlinux_size = size_of(st / "vmlinux");
  meta.vmlinuz_size = size_of(st / "vmlinuz");
  meta.config_size = has_config ? size_of(st / "config") : 0;
  meta.build_id = info.build_id;
  auto k = cache.install(std::move(staging), meta, opts.force);
  log::info("kernel {} ready: {} ({}) in {:.1f} s", version, k.vmlinux().string(), mb(meta.vmlinux_size),
            seconds_since(t0));
  return k;
}

}  // namespace ktstr::kernel
