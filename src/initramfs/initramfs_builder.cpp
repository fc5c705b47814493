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

// Like util's write_file_atomic, but the temp name is unique per call, not
// just per process: two threads building the same key must not share a temp.
void write_unique_atomic(const fs::path& dest, std::string_view data) {
  static std::atomic<uint64_t> counter{0};
  fs::path tmp = dest;
  tmp += fmt::format(".tmp.{}.{}", ::getpid(), counter++);
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd) fail_errno("create " + tmp.string());
    for (size_t off = 0; off < data.size();) {
      ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        errno = e;
        fail_errno("write " + tmp.string());
      }
      off += static_cast<size_t>(n);
    }
  }
  std::error_code ec;
  fs::rename(tmp, dest, ec);
  if (ec) {
    fs::remove(tmp, ec);
    fail("rename {} -> {}: {}", tmp.string(), dest.string(), ec.message());
  }
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
    write_unique_atomic(stats_path(s.path), j.dump());
    write_unique_atomic(s.path, bytes);
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
