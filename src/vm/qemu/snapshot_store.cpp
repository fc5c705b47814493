#include "vm/qemu/snapshot_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/interrupt.hpp"
#include "vm/qemu/qemu_cmdline.hpp"

namespace ktstr::vm::qemu {
namespace fs = std::filesystem;

namespace {
constexpr size_t kPage = 4096;
constexpr size_t kChunk = 1 << 20;

std::string file_identity(const fs::path& p) {
  struct stat st{};
  if (::stat(p.c_str(), &st) != 0) fail_errno(fmt::format("stat {}", p.string()));
  return fmt::format("{} size={} mtime={}.{:09}", p.string(), st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

bool all_zero(const uint8_t* p, size_t n) {
  const uint64_t* w = reinterpret_cast<const uint64_t*>(p);
  for (size_t i = 0; i < n / 8; ++i)
    if (w[i]) return false;
  return true;
}

void pwrite_all(int fd, const uint8_t* p, size_t n, off_t off, const fs::path& what) {
  while (n) {
    ssize_t w = ::pwrite(fd, p, n, off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) fail_errno(fmt::format("write {}", what.string()));
    p += w, n -= static_cast<size_t>(w), off += w;
  }
}

void pread_all(int fd, uint8_t* p, size_t n, off_t off, const fs::path& what) {
  while (n) {
    ssize_t r = ::pread(fd, p, n, off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) fail("read {}: {}", what.string(), r == 0 ? "file shorter than expected" : std::strerror(errno));
    p += r, n -= static_cast<size_t>(r), off += r;
  }
}

// A digest of one 4 KiB page at `offset`: four independent lanes of
// (lane ^ word) * odd constant -- each step is a bijection in both the lane
// and the word, so changing any one word of a page always changes its lane --
// then mixed with the offset. Not cryptographic: it catches a damaged image
// (disk error, truncation inside a data run, a stray write), at ~8 GB/s.
uint64_t page_digest(const uint8_t* p, uint64_t offset) {
  const uint64_t* w = reinterpret_cast<const uint64_t*>(p);
  uint64_t l[4] = {0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full, 0x165667b19e3779f9ull, 0x27d4eb2f165667c5ull};
  for (size_t i = 0; i < kPage / 8; i += 4)
    for (size_t k = 0; k < 4; ++k) l[k] = (l[k] ^ w[i + k]) * 0x100000001b3ull;
  uint64_t h = offset * 0xff51afd7ed558ccdull;
  for (uint64_t x : l) h = (h ^ x ^ (x >> 29)) * 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 32);
}

// The image's digest: its non-zero pages' digests XOR-combined, so it does
// not depend on which zero pages the filesystem happens to report as data.
struct ImageDigest {
  uint64_t value = 0;
  void add(const uint8_t* chunk, size_t n, uint64_t offset) {
    for (size_t pg = 0; pg + kPage <= n; pg += kPage)
      if (!all_zero(chunk + pg, kPage)) value ^= page_digest(chunk + pg, offset + pg);
  }
};

fs::path digest_file(const fs::path& dir, size_t i) { return dir / fmt::format("ram{}.digest", i); }

// Data extents of `fd` (SEEK_DATA/SEEK_HOLE): untouched guest pages are
// holes in the memfd and in the image, so neither side reads them.
template <class F>
void for_each_extent(int fd, uint64_t size, F f) {
  off_t pos = 0;
  while (static_cast<uint64_t>(pos) < size) {
    off_t data = ::lseek(fd, pos, SEEK_DATA);
    if (data < 0) break;  // ENXIO: no more data
    off_t hole = ::lseek(fd, data, SEEK_HOLE);
    if (hole < 0) hole = static_cast<off_t>(size);
    f(static_cast<uint64_t>(data), static_cast<uint64_t>(std::min<uint64_t>(hole, size)));
    pos = hole;
  }
}
}  // namespace

SnapshotKey snapshot_key(const VmSpec& spec, const std::string& qemu_binary, Accel accel, const std::string& base_id) {
  QemuInputs in;
  in.qemu_binary = qemu_binary;
  in.accel = accel;
  uint32_t backends = spec.topology.numa_nodes;
  for (uint32_t i = 0; i < backends; ++i) in.memory_fds.push_back(100 + static_cast<int>(i));
  in.initrd_fd = 90;
  in.console_fd = 91;
  in.init_port_fd = 92;
  std::string text = "ktstr snapshot v2\n";  // v2: RAM images carry digests
  text += "qemu: " + file_identity(qemu_binary) + "\n";
  text += "kernel: " + file_identity(spec.kernel) + "\n";
  text += "initramfs: " + base_id + "\n";
  text += "argv:";
  for (const auto& a : qemu_argv(spec, in)) text += " " + a;
  text += "\n";
  return {text, fmt::format("{:016x}", fnv1a(text))};
}

SnapshotStore::SnapshotStore(SnapshotKey key, fs::path root)
    : key_(std::move(key)), root_(std::move(root)), dir_(root_ / key_.hash) {}

fs::path SnapshotStore::default_root() {
  if (const char* env = std::getenv("KTSTR_SNAPSHOT_DIR"); env && *env) return env;
  return cache_root() / "snapshots";
}

bool SnapshotStore::present() const {
  auto text = try_read_file(dir_ / "key.txt");
  return text && *text == key_.text;
}

Fd SnapshotStore::lock() const {
  fs::create_directories(root_);
  fs::path p = root_ / (key_.hash + ".lock");
  Fd fd(::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) fail_errno(fmt::format("open {}", p.string()));
  // Polled rather than blocking so Ctrl-C still ends a run waiting for
  // another one to finish making this snapshot.
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) fail_errno(fmt::format("lock {}", p.string()));
    throw_if_interrupted();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return fd;
}

fs::path SnapshotStore::begin() const {
  fs::path tmp = root_ / fmt::format("{}.tmp-{}", key_.hash, ::getpid());
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  return tmp;
}

void SnapshotStore::commit(const fs::path& tmp) const {
  write_file_atomic(tmp / "key.txt", key_.text);
  std::error_code ec;
  fs::remove_all(dir_, ec);  // a stale one made for another key (hash collision) or a discarded one
  fs::rename(tmp, dir_);
}

void SnapshotStore::discard() const {
  fs::path gone = root_ / fmt::format("{}.discard-{}", key_.hash, ::getpid());
  std::error_code ec;
  // Only what we renamed away: if another run discarded it first and a
  // third made it again, the new one stays.
  fs::rename(dir_, gone, ec);
  if (!ec) fs::remove_all(gone, ec);
}

void SnapshotStore::touch() const { ::utimensat(AT_FDCWD, (dir_ / "key.txt").c_str(), nullptr, 0); }

void SnapshotStore::prune() const {
  std::vector<std::pair<fs::file_time_type, fs::path>> all;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    if (!e.is_directory() || e.path().filename().string().find('.') != std::string::npos) continue;
    auto t = fs::last_write_time(e.path() / "key.txt", ec);
    all.emplace_back(ec ? fs::file_time_type::min() : t, e.path());
  }
  if (all.size() <= kMaxSnapshots) return;
  std::sort(all.begin(), all.end());
  for (size_t i = 0; i + kMaxSnapshots < all.size(); ++i)
    if (all[i].second != dir_) {
      fs::remove_all(all[i].second, ec);
      fs::remove(all[i].second.string() + ".lock", ec);
    }
}

// Both directions go through read/write on the memfd rather than its host
// mapping: page faults on the mapping cost ~10x more here (measured: 90 MB
// in 830-950 ms through the mapping, 87-116 ms with pread + pwrite).
void save_ram(const GuestMemory& mem, const fs::path& dir) {
  auto fds = mem.fds();
  std::vector<uint8_t> buf(kChunk);
  for (size_t i = 0; i < fds.size(); ++i) {
    uint64_t size = mem.backend(i).size();
    fs::path p = dir / fmt::format("ram{}.img", i);
    Fd out(::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!out) fail_errno(fmt::format("create {}", p.string()));
    ImageDigest digest;
    for_each_extent(fds[i], size, [&](uint64_t from, uint64_t to) {
      for (uint64_t off = from; off < to; off += kChunk) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, to - off));
        pread_all(fds[i], buf.data(), n, static_cast<off_t>(off), "guest RAM");
        digest.add(buf.data(), n, off);
        // Only runs of non-zero pages are written; the rest stays a hole.
        size_t run = 0;
        for (size_t pg = 0; pg <= n; pg += kPage) {
          bool zero = pg == n || all_zero(buf.data() + pg, std::min(kPage, n - pg));
          if (!zero) continue;
          if (pg > run) pwrite_all(out.get(), buf.data() + run, pg - run, static_cast<off_t>(off + run), p);
          run = pg + kPage;
          if (pg == n) break;
        }
      }
    });
    if (::ftruncate(out.get(), static_cast<off_t>(size)) != 0) fail_errno(fmt::format("size {}", p.string()));
    write_file_atomic(digest_file(dir, i), fmt::format("{:016x}\n", digest.value));
  }
}

void load_ram(const fs::path& dir, const GuestMemory& mem) {
  auto fds = mem.fds();
  std::vector<uint8_t> buf(kChunk);
  for (size_t i = 0; i < fds.size(); ++i) {
    uint64_t size = mem.backend(i).size();
    fs::path p = dir / fmt::format("ram{}.img", i);
    Fd in(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in) fail("snapshot RAM image {}: {}", p.string(), std::strerror(errno));
    struct stat st{};
    if (::fstat(in.get(), &st) != 0 || static_cast<uint64_t>(st.st_size) != size)
      fail("snapshot RAM image {} has {} bytes, the guest backend {}", p.string(), st.st_size, size);
    auto want = try_read_file(digest_file(dir, i));
    if (!want) fail("snapshot RAM image {} has no digest ({})", p.string(), digest_file(dir, i).string());
    ImageDigest digest;
    for_each_extent(in.get(), size, [&](uint64_t from, uint64_t to) {
      for (uint64_t off = from; off < to; off += kChunk) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, to - off));
        pread_all(in.get(), buf.data(), n, static_cast<off_t>(off), p);
        digest.add(buf.data(), n, off);
        pwrite_all(fds[i], buf.data(), n, static_cast<off_t>(off), "guest RAM");
      }
    });
    std::string got = fmt::format("{:016x}\n", digest.value);
    if (got != *want)
      fail("snapshot RAM image {} is damaged: digest {} but {} was saved", p.string(), trim(got), trim(*want));
  }
}

}  // namespace ktstr::vm::qemu
