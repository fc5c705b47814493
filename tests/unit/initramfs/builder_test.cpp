#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <zstd.h>

#include <thread>

#include "initramfs/elf_info.hpp"
#include "initramfs/initramfs_builder.hpp"
#include "unit/initramfs/helpers.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::initramfs;
using ktstr::test::find_entry;
using ktstr::test::parse_cpio;
using ktstr::test::TempDir;
namespace fs = std::filesystem;

namespace {

bool have_static_busybox() {
  return fs::exists("/bin/busybox") && read_elf_info("/bin/busybox").is_static();
}

// Points cache_root() at a private directory for the test's lifetime.
class CacheDirGuard {
 public:
  CacheDirGuard() {
    if (const char* old = ::getenv("KTSTR_CACHE_DIR")) old_ = old;
    ::setenv("KTSTR_CACHE_DIR", dir_.path().c_str(), 1);
  }
  ~CacheDirGuard() {
    if (old_) ::setenv("KTSTR_CACHE_DIR", old_->c_str(), 1);
    else ::unsetenv("KTSTR_CACHE_DIR");
  }
  const fs::path& path() const { return dir_.path(); }

 private:
  TempDir dir_;
  std::optional<std::string> old_;
};

ino_t inode_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_ino;
}

}  // namespace

TEST(Builder, SkeletonAndEntries) {
  TempDir t;
  write_file_atomic(t.path() / "cfg", "config");
  InitramfsSpec spec;
  spec.entries = {Entry::from_bytes("/mnt/data/x", "x"), Entry::from_bytes("/etc/motd", "hi\n"),
                  Entry::from_host("/etc/cfg", t.path() / "cfg", 0600),
                  Entry::directory("/mnt/data", 0700), Entry::symlink("/etc/link", "motd")};
  BuildStats st;
  auto es = parse_cpio(build_bytes(spec, &st));
  for (auto [dir, mode] : std::vector<std::pair<std::string, uint32_t>>{
           {"dev", 040755}, {"proc", 040555}, {"sys", 040555}, {"sys/fs/cgroup", 040755},
           {"tmp", 041777}, {"run", 040755}}) {
    const auto* e = find_entry(es, dir);
    ASSERT_NE(e, nullptr) << dir;
    EXPECT_EQ(e->mode, mode) << dir;
  }
  const auto* console = find_entry(es, "dev/console");
  ASSERT_NE(console, nullptr);
  EXPECT_EQ(console->mode, 020600u);
  EXPECT_EQ(console->rdevmajor, 5u);
  EXPECT_EQ(console->rdevminor, 1u);
  EXPECT_EQ(find_entry(es, "etc/motd")->data, "hi\n");
  EXPECT_EQ(find_entry(es, "etc/cfg")->data, "config");
  EXPECT_EQ(find_entry(es, "etc/cfg")->mode, 0100600u);
  EXPECT_EQ(find_entry(es, "mnt/data")->mode, 040700u);
  EXPECT_EQ(find_entry(es, "etc/link")->data, "motd");
  EXPECT_EQ(st.entries + 1, es.size());  // + trailer
  EXPECT_FALSE(st.cache_hit);
}

TEST(Builder, OverlayWithoutSkeletonIsMinimal) {
  InitramfsSpec spec;
  spec.skeleton = false;
  spec.entries = {Entry::from_bytes("/tmp/run.json", "{}")};
  auto es = parse_cpio(build_bytes(spec));
  ASSERT_EQ(es.size(), 2u);  // no tmp directory re-emitted (would reset 01777)
  EXPECT_EQ(es[0].name, "tmp/run.json");
}

TEST(Builder, BinaryBringsItsClosure) {
  InitramfsSpec spec;
  spec.binaries = {{"/bin/true", "/init"}};
  auto es = parse_cpio(build_bytes(spec));
  const auto* init = find_entry(es, "init");
  ASSERT_NE(init, nullptr);
  EXPECT_EQ(init->mode, 0100755u);
  EXPECT_TRUE(init->data == read_file("/bin/true"));
  auto interp = read_elf_info("/bin/true").interp;
  ASSERT_TRUE(interp);
  const auto* ld = find_entry(es, interp->substr(1));
  ASSERT_NE(ld, nullptr);
  EXPECT_EQ(ld->mode, 0100755u);  // the kernel needs exec permission on it
  bool libc = false;
  for (const auto& e : es) libc |= fs::path(e.name).filename() == "libc.so.6";
  EXPECT_TRUE(libc);
}

TEST(Builder, DuplicateGuestPathsAreRejected) {
  InitramfsSpec spec;
  spec.entries = {Entry::from_bytes("/init", "a")};
  spec.binaries = {{"/bin/true", "init"}};
  EXPECT_KTSTR_ERROR(build_bytes(spec), "initramfs spec lists /init more than once");
}

TEST(Builder, ExplicitEntriesWinOverClosure) {
  auto interp = read_elf_info("/bin/true").interp;
  ASSERT_TRUE(interp);
  InitramfsSpec spec;
  spec.binaries = {{"/bin/true", "/init"}};
  spec.entries = {Entry::from_bytes(*interp, "custom loader", 0755)};
  auto es = parse_cpio(build_bytes(spec));
  EXPECT_EQ(find_entry(es, interp->substr(1))->data, "custom loader");
}

TEST(Builder, BusyboxAppletsAsSymlinks) {
  if (!have_static_busybox()) GTEST_SKIP() << "busybox-static not installed";
  InitramfsSpec spec;
  spec.include_busybox = true;
  spec.binaries = {{"/bin/true", "/bin/ls"}};  // explicit binary beats the applet link
  auto es = parse_cpio(build_bytes(spec));
  const auto* bb = find_entry(es, "bin/busybox");
  ASSERT_NE(bb, nullptr);
  EXPECT_EQ(bb->mode, 0100755u);
  for (const char* applet : {"bin/sh", "bin/mount", "bin/cat"}) {
    const auto* e = find_entry(es, applet);
    ASSERT_NE(e, nullptr) << applet;
    EXPECT_EQ(e->mode, 0120777u) << applet;
    EXPECT_EQ(e->data, "busybox") << applet;
  }
  EXPECT_EQ(find_entry(es, "bin/ls")->mode, 0100755u);
}

TEST(Builder, ExtractsWithGnuCpio) {
  if (!find_in_path("cpio")) GTEST_SKIP() << "cpio not installed";
  TempDir t;
  InitramfsSpec spec;
  spec.skeleton = false;  // device nodes need privileges to extract
  spec.binaries = {{"/bin/true", "/sbin/init"}};
  spec.entries = {Entry::from_bytes("/etc/hostname", "guest\n")};
  write_file_atomic(t.path() / "a.cpio", build_bytes(spec));
  fs::create_directory(t.path() / "x");
  auto r = run_capture({"sh", "-c", "cd \"$0\" && cpio -idm --quiet < \"$1\"",
                        (t.path() / "x").string(), (t.path() / "a.cpio").string()});
  ASSERT_TRUE(r.status.ok()) << r.err;
  EXPECT_EQ(read_file(t.path() / "x/etc/hostname"), "guest\n");
  EXPECT_TRUE(read_file(t.path() / "x/sbin/init") == read_file("/bin/true"));
}

TEST(Builder, CacheMissThenHit) {
  CacheDirGuard cache;
  TempDir t;
  write_file_atomic(t.path() / "payload", "v1");
  InitramfsSpec spec;
  spec.compression = Compression::zstd;
  spec.binaries = {{"/bin/true", "/init"}};
  spec.entries = {Entry::from_host("/payload", t.path() / "payload")};

  BuildStats s1;
  fs::path p1 = build_cached(spec, &s1);
  EXPECT_FALSE(s1.cache_hit);
  EXPECT_EQ(p1.parent_path(), cache.path() / "initramfs");
  EXPECT_EQ(p1.filename().string(), s1.key + ".cpio.zst");
  EXPECT_EQ(fs::file_size(p1), s1.compressed_bytes);
  EXPECT_GT(s1.uncompressed_bytes, s1.compressed_bytes);
  ino_t ino = inode_of(p1);

  // A hit must not rebuild: the file keeps its inode (a rebuild renames a
  // new file into place) and no temp files are left behind.
  BuildStats s2;
  fs::path p2 = build_cached(spec, &s2);
  EXPECT_TRUE(s2.cache_hit);
  EXPECT_EQ(p2, p1);
  EXPECT_EQ(inode_of(p2), ino);
  EXPECT_EQ(s2.entries, s1.entries);
  EXPECT_EQ(s2.uncompressed_bytes, s1.uncompressed_bytes);
  EXPECT_EQ(s2.compressed_bytes, s1.compressed_bytes);
  EXPECT_NE(describe(s2).find("cached"), std::string::npos) << describe(s2);
  for (const auto& e : fs::directory_iterator(cache.path() / "initramfs"))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();

  // The archive decompresses to what build_bytes produces.
  std::string z = read_file(p1);
  std::string cpio(s1.uncompressed_bytes, '\0');
  size_t n = ZSTD_decompress(cpio.data(), cpio.size(), z.data(),
                             ZSTD_findFrameCompressedSize(z.data(), z.size()));
  ASSERT_EQ(n, cpio.size());
  InitramfsSpec plain = spec;
  plain.compression = Compression::none;
  EXPECT_TRUE(cpio == build_bytes(plain));  // reproducible output

  // Changing a host file (new contents, size and mtime) changes the key.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  write_file_atomic(t.path() / "payload", "v2 longer");
  BuildStats s3;
  fs::path p3 = build_cached(spec, &s3);
  EXPECT_FALSE(s3.cache_hit);
  EXPECT_NE(p3, p1);
  EXPECT_EQ(find_entry(parse_cpio(build_bytes(plain)), "payload")->data, "v2 longer");

  // So does changing the compression, the literal bytes, or a mode.
  InitramfsSpec other = spec;
  other.compression = Compression::lz4;
  EXPECT_NE(cache_key(other), cache_key(spec));
  EXPECT_EQ(build_cached(other).extension(), ".lz4");
  other = spec;
  other.entries.push_back(Entry::from_bytes("/x", "1"));
  InitramfsSpec other2 = spec;
  other2.entries.push_back(Entry::from_bytes("/x", "2"));
  EXPECT_NE(cache_key(other), cache_key(other2));
  other2.entries.back() = Entry::from_bytes("/x", "1", 0600);
  EXPECT_NE(cache_key(other), cache_key(other2));
  EXPECT_EQ(cache_key(spec), cache_key(spec));
}

TEST(Builder, DescribeMentionsSizes) {
  BuildStats s;
  s.entries = 3;
  s.uncompressed_bytes = 3 << 20;
  s.compressed_bytes = 1 << 20;
  s.compression = Compression::gzip;
  s.elapsed = std::chrono::milliseconds(12);
  EXPECT_EQ(describe(s), "initramfs: 3 entries, 3.0 MiB -> 1.0 MiB gzip, built in 12 ms");
}
