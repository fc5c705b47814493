#pragma once
// Builds initramfs archives from a declarative spec: explicit files, host
// executables plus their shared-library closure, and optionally a static
// busybox. Base archives are cached content-addressed; small per-run
// archives are built in memory and appended by the caller (the kernel
// accepts concatenated segments, see compression.hpp).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "initramfs/compression.hpp"

namespace ktstr::initramfs {

// One explicit archive entry.
struct Entry {
  enum class Kind { host_file, bytes, directory, symlink };
  Kind kind = Kind::bytes;
  std::string guest_path;            // absolute guest path, e.g. /etc/ktstr.json
  std::filesystem::path host_path;   // host_file: contents come from here
  std::string data;                  // bytes: the contents; symlink: the target
  uint32_t mode = 0644;              // permission bits (file type comes from kind)

  static Entry from_host(std::string guest, std::filesystem::path host, uint32_t mode = 0644);
  static Entry from_bytes(std::string guest, std::string data, uint32_t mode = 0644);
  static Entry directory(std::string guest, uint32_t mode = 0755);
  static Entry symlink(std::string guest, std::string target);
};

// A host ELF executable; its interpreter and libraries are added
// automatically. (Scripts are not ELF: add them as Entry::from_host, 0755.)
struct Binary {
  std::filesystem::path host;
  std::string guest;  // e.g. /init
  uint32_t mode = 0755;
};

struct InitramfsSpec {
  std::vector<Entry> entries;
  std::vector<Binary> binaries;
  // Static busybox at /bin/busybox plus /bin/<applet> symlinks (and /bin/sh).
  bool include_busybox = false;
  Compression compression = Compression::none;
  // /dev /proc /sys /sys/fs/cgroup /tmp /run and the /dev/console node (c 5 1,
  // so PID 1 has a console before devtmpfs is mounted). Turn off for an
  // overlay appended to a base that has them: those directories are then
  // assumed to exist and not re-emitted (re-emitting would reset their modes).
  bool skeleton = true;
};
// Precedence on guest-path clashes: entries and binaries must not clash with
// each other (error); they win over library-closure files and busybox
// applet links, which are then left out.

struct BuildStats {
  size_t entries = 0;              // cpio entries (0 if unknown on a cache hit)
  uint64_t uncompressed_bytes = 0; // cpio size
  uint64_t compressed_bytes = 0;   // output size
  Compression compression = Compression::none;
  bool cache_hit = false;
  std::chrono::milliseconds elapsed{0};
  std::filesystem::path path;      // build_cached only
  std::string key;                 // build_cached only
};

// Content-addressed cache: <cache_root()>/initramfs/<key>.cpio[.gz|.lz4|.zst].
// The key covers the spec (guest paths, modes, literal bytes, compression)
// and the identity (realpath, size, mtime, inode) of every host file used,
// including the library closure and busybox. A hit returns without building;
// a miss writes the file atomically (temp file + rename), so concurrent
// builders and interrupted builds never expose a partial archive.
std::filesystem::path build_cached(const InitramfsSpec& spec, BuildStats* stats = nullptr);

// Builds in memory without caching (for small per-run archives).
std::string build_bytes(const InitramfsSpec& spec, BuildStats* stats = nullptr);

// The cache key build_cached would use (hex).
std::string cache_key(const InitramfsSpec& spec);

// One line for progress output, e.g.
// "initramfs: 312 entries, 9.8 MiB -> 4.1 MiB zstd, built in 412 ms".
std::string describe(const BuildStats& stats);

}  // namespace ktstr::initramfs
