#include "vm/qemu/snapshot_store.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "util/error.hpp"
#include "vm/layout.hpp"
#include "util/files.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::vm;
namespace fs = std::filesystem;

namespace {
struct Tmp {
  fs::path path;
  Tmp() {
    std::string t = (fs::temp_directory_path() / "ktstr-snap-XXXXXX").string();
    if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
    path = t;
  }
  ~Tmp() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

VmSpec spec() {
  VmSpec s;
  s.kernel = "/proc/self/exe";  // any file that exists: the key stats it
  s.topology = {1, 2, 2, 1};
  s.memory_mb = 256;
  return s;
}
using vm::layout::kMiB;
}  // namespace

TEST(SnapshotRam, SavedImageIsSparseAndLoadsBackExactly) {
  Tmp dir;
  GuestMemory a({4 * kMiB, 2 * kMiB}, 3ull << 30);
  std::memset(a.backend(0).data() + 8192, 0xab, 4096);
  std::memset(a.backend(0).data() + 3 * kMiB + 100, 0x11, 10);
  std::memset(a.backend(1).data() + 2 * kMiB - 4096, 0x5a, 4096);
  qemu::save_ram(a, dir.path);
  struct stat st{};
  ASSERT_EQ(::stat((dir.path / "ram0.img").c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), 4 * kMiB);
  EXPECT_LT(static_cast<uint64_t>(st.st_blocks) * 512, 1 * kMiB) << "zero pages were written";

  GuestMemory b({4 * kMiB, 2 * kMiB}, 3ull << 30);
  qemu::load_ram(dir.path, b);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_EQ(std::memcmp(a.backend(i).data(), b.backend(i).data(), a.backend(i).size()), 0) << "backend " << i;
}

TEST(SnapshotRam, ImageOfTheWrongSizeIsRefused) {
  Tmp dir;
  GuestMemory a(std::vector<uint64_t>{2 * kMiB}, 3ull << 30);
  qemu::save_ram(a, dir.path);
  GuestMemory b(std::vector<uint64_t>{4 * kMiB}, 3ull << 30);
  EXPECT_KTSTR_ERROR(qemu::load_ram(dir.path, b), "has 2097152 bytes, the guest backend 4194304");
}

TEST(SnapshotRam, DamagedImageIsRefusedByItsDigest) {
  Tmp dir;
  GuestMemory a(std::vector<uint64_t>{2 * kMiB}, 3ull << 30);
  std::memset(a.backend(0).data() + 4096, 0x42, 3 * 4096);
  qemu::save_ram(a, dir.path);
  GuestMemory b(std::vector<uint64_t>{2 * kMiB}, 3ull << 30);
  qemu::load_ram(dir.path, b);  // intact: loads

  // One flipped bit inside the data, then a non-zero page zeroed in place.
  for (uint8_t damage : {uint8_t{0x43}, uint8_t{0}}) {
    Tmp copy;
    std::filesystem::copy(dir.path, copy.path, std::filesystem::copy_options::recursive |
                                                   std::filesystem::copy_options::overwrite_existing);
    int fd = ::open((copy.path / "ram0.img").c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    std::vector<uint8_t> page(damage == 0 ? 4096 : 1, damage);
    ASSERT_EQ(::pwrite(fd, page.data(), page.size(), damage == 0 ? 2 * 4096 : 4096 + 77),
              static_cast<ssize_t>(page.size()));
    ::close(fd);
    GuestMemory c(std::vector<uint64_t>{2 * kMiB}, 3ull << 30);
    try {
      qemu::load_ram(copy.path, c);
      FAIL() << "loaded an image damaged with " << int(damage);
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("ram0.img is damaged: digest"), std::string::npos) << e.what();
    }
  }
}

TEST(SnapshotRam, ImageWithoutDigestIsRefused) {
  Tmp dir;
  GuestMemory a(std::vector<uint64_t>{2 * kMiB}, 3ull << 30);
  qemu::save_ram(a, dir.path);
  std::filesystem::remove(dir.path / "ram0.digest");
  GuestMemory b(std::vector<uint64_t>{2 * kMiB}, 3ull << 30);
  try {
    qemu::load_ram(dir.path, b);
    FAIL() << "loaded an image without its digest";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ram0.img has no digest"), std::string::npos) << e.what();
  }
}

TEST(SnapshotRam, MissingImageIsRefused) {
  Tmp dir;
  GuestMemory b(std::vector<uint64_t>{2 * kMiB}, 3ull << 30);
  EXPECT_KTSTR_ERROR(qemu::load_ram(dir.path, b), "ram0.img: No such file");
}

TEST(SnapshotKey, ChangesWithEverythingThatShapesTheBootedGuest) {
  auto base = qemu::snapshot_key(spec(), "/proc/self/exe", Accel::Tcg, "abc.cpio");
  EXPECT_EQ(base.text, qemu::snapshot_key(spec(), "/proc/self/exe", Accel::Tcg, "abc.cpio").text);
  auto mem = spec();
  mem.memory_mb = 512;
  auto topo = spec();
  topo.topology = {1, 1, 4, 1};
  auto cmd = spec();
  cmd.extra_cmdline = "sched_ext.slice_us=1";
  for (const auto& other : {qemu::snapshot_key(mem, "/proc/self/exe", Accel::Tcg, "abc.cpio"),
                            qemu::snapshot_key(topo, "/proc/self/exe", Accel::Tcg, "abc.cpio"),
                            qemu::snapshot_key(cmd, "/proc/self/exe", Accel::Tcg, "abc.cpio"),
                            qemu::snapshot_key(spec(), "/proc/self/exe", Accel::Tcg, "def.cpio"),
                            qemu::snapshot_key(spec(), "/proc/self/exe", Accel::Kvm, "abc.cpio")}) {
    EXPECT_NE(other.text, base.text);
    EXPECT_NE(other.hash, base.hash);
  }
  // Per-run differences (the request, the deadline) do not split snapshots.
  auto run = spec();
  run.timeout = std::chrono::milliseconds(1234);
  run.snapshot = VmSpec::SnapshotStart{3, "abc.cpio", "{\"request\":\"x\"}"};
  EXPECT_EQ(qemu::snapshot_key(run, "/proc/self/exe", Accel::Tcg, "abc.cpio").text, base.text);
}

TEST(SnapshotStore, CommitMakesItPresentDiscardRemovesIt) {
  Tmp root;
  auto key = qemu::snapshot_key(spec(), "/proc/self/exe", Accel::Tcg, "abc.cpio");
  qemu::SnapshotStore store(key, root.path);
  EXPECT_FALSE(store.present());
  auto tmp = store.begin();
  write_file_atomic(tmp / "state.bin", "x");
  EXPECT_FALSE(store.present()) << "visible before commit";
  store.commit(tmp);
  EXPECT_TRUE(store.present());
  EXPECT_FALSE(fs::exists(tmp));
  // The same hash with another key text (a collision) is not taken.
  qemu::SnapshotStore other({key.text + "different", key.hash}, root.path);
  EXPECT_FALSE(other.present());
  store.discard();
  EXPECT_FALSE(store.present());
  EXPECT_FALSE(fs::exists(store.dir()));
}

TEST(SnapshotStore, PruneKeepsTheMostRecentlyUsed) {
  Tmp root;
  std::vector<qemu::SnapshotStore> stores;
  for (size_t i = 0; i < qemu::kMaxSnapshots + 2; ++i) {
    auto s = spec();
    s.memory_mb = 256 + i;
    stores.emplace_back(qemu::snapshot_key(s, "/proc/self/exe", Accel::Tcg, "abc.cpio"), root.path);
    stores.back().commit(stores.back().begin());
    // Distinct, increasing use times.
    auto t = fs::file_time_type::clock::now() - std::chrono::hours(100) + std::chrono::minutes(i);
    fs::last_write_time(stores.back().dir() / "key.txt", t);
  }
  stores[0].touch();  // the oldest is used again: it stays
  stores.back().prune();
  EXPECT_TRUE(stores[0].present());
  EXPECT_FALSE(stores[1].present());
  EXPECT_FALSE(stores[2].present());
  for (size_t i = 3; i < stores.size(); ++i) EXPECT_TRUE(stores[i].present()) << i;
}
