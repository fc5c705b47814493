#include "initramfs/initramfs_builder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include <nlohmann/json.hpp>

#include "initramfs/plan.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/files.hpp"

namespace ktstr::initramfs {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
}

// Stats of a cached archive live next to it, so a hit can still report them.
fs::path stats_path(const fs::path& archive) {
  fs::path p = archive;
  p += ".json";
  return p;
}

void load_stats(const fs::path& archive, BuildStats& s) {
  std::error_code ec;
  s.compressed_bytes = fs::file_size(archive, ec);
  auto text = try_read_file(stats_path(archive));
  if (!text) return;
  auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return;
  s.entries = j.value("entries", size_t{0});
  s.uncompressed_bytes = j.value("uncompressed_bytes", uint64_t{0});
}

// The cpio plus its compressed form; fills everything in stats but timing.
std::string build(const Plan& plan, BuildStats& s) {
  std::string cpio;
  s.entries = write_plan(plan, cpio);
  s.uncompressed_bytes = cpio.size();
  s.compression = plan.compression;
  if (plan.compression == Compression::none) {
    s.compressed_bytes = cpio.size();
    return cpio;
  }
  std::string out = compress(cpio, plan.compression);
  s.compressed_bytes = out.size();
  return out;
}

std::string human(uint64_t bytes) {
  if (bytes >= (1u << 20)) return fmt::format("{:.1f} MiB", double(bytes) / (1 << 20));
  if (bytes >= (1u << 10)) return fmt::format("{:.1f} KiB", double(bytes) / (1 << 10));
  return fmt::format("{} B", bytes);
}

}  // namespace

Entry Entry::from_host(std::string guest, fs::path host, uint32_t mode) {
  return {Kind::host_file, std::move(guest), std::move(host), {}, mode};
}
Entry Entry::from_bytes(std::string guest, std::string data, uint32_t mode) {
  return {Kind::bytes, std::move(guest), {}, std::move(data), mode};
}
Entry Entry::directory(std::string guest, uint32_t mode) {
  return {Kind::directory, std::move(guest), {}, {}, mode};
}
Entry Entry::symlink(std::string guest, std::string target) {
  return {Kind::symlink, std::move(guest), {}, std::move(target), 0777};
}

std::string cache_key(const InitramfsSpec& spec) { return plan_key(make_plan(spec)); }

fs::path build_cached(const InitramfsSpec& spec, BuildStats* stats) {
  auto t0 = Clock::now();
  BuildStats s;
  s.compression = spec.compression;
  Plan plan = make_plan(spec);
  s.key = plan_key(plan);
  fs::path dir = cache_root() / "initramfs";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail("cannot create initramfs cache directory {}: {}", dir.string(), ec.message());
  s.path = dir / (s.key + ".cpio" + std::string(compression_extension(spec.compression)));

  if (fs::is_regular_file(s.path, ec)) {
    s.cache_hit = true;
    load_stats(s.path, s);
  } else {
    std::string bytes = build(plan, s);
    nlohmann::json j{{"entries", s.entries}, {"uncompressed_bytes", s.uncompressed_bytes}};
    // Stats first: whoever sees the archive can rely on its stats existing.
    write_file_atomic(stats_path(s.path), j.dump());
    write_file_atomic(s.path, bytes);
  }
  s.elapsed = since(t0);
  if (stats) *stats = s;
  return s.path;
}

std::string build_bytes(const InitramfsSpec& spec, BuildStats* stats) {
  auto t0 = Clock::now();
  BuildStats s;
  std::string out = build(make_plan(spec), s);
  s.elapsed = since(t0);
  if (stats) *stats = s;
  return out;
}

std::string describe(const BuildStats& s) {
  std::string size = s.compression == Compression::none
                         ? human(s.compressed_bytes)
                         : fmt::format("{} -> {} {}", human(s.uncompressed_bytes),
                                       human(s.compressed_bytes), compression_name(s.compression));
  if (s.cache_hit)
    return fmt::format("initramfs: {} entries, {} (cached, {} ms)", s.entries, size,
                       s.elapsed.count());
  return fmt::format("initramfs: {} entries, {}, built in {} ms", s.entries, size,
                     s.elapsed.count());
}

}  // namespace ktstr::initramfs
