#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <set>

#include "initramfs/cpio_writer.hpp"
#include "unit/initramfs/helpers.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"
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

// Independent rendering of one newc header + name + padding.
std::string hdr(uint32_t ino, uint32_t mode, uint32_t nlink, uint32_t size, const std::string& name,
                uint32_t rmaj = 0, uint32_t rmin = 0) {
  char buf[111];
  std::snprintf(buf, sizeof buf, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08zX%08X",
                ino, mode, 0u, 0u, nlink, 0u, size, 0u, 0u, rmaj, rmin, name.size() + 1, 0u);
  std::string s = std::string(buf, 110) + name + '\0';
  while (s.size() % 4) s += '\0';
  return s;
}

}  // namespace

TEST(CpioWriter, ByteExactTinyArchive) {
  std::string out;
  CpioWriter w(string_sink(out));
  w.add_file("/a", "hi", 0644);
  w.add_symlink("/l", "a");
  w.add_char_device("/c", 5, 1, 0600);
  w.finish();

  std::string expect;
  expect += hdr(1, 0100644, 1, 2, "a") + "hi" + std::string(2, '\0');
  expect += hdr(2, 0120777, 1, 1, "l") + "a" + std::string(3, '\0');
  expect += hdr(3, 0020600, 1, 0, "c", 5, 1);
  expect += hdr(0, 0, 1, 0, "TRAILER!!!");
  EXPECT_EQ(out, expect);
  EXPECT_EQ(out.size() % 4, 0u);
  EXPECT_EQ(w.entry_count(), 3u);
  EXPECT_EQ(w.bytes_written(), out.size());
  // Spot-check a header by hand: 110-byte header + "a\0" is already aligned.
  EXPECT_EQ(out.substr(0, 14), "07070100000001");
  EXPECT_EQ(out.substr(110, 4), std::string("a\0hi", 4));
}

TEST(CpioWriter, ParentsCreatedOnceWithUniqueInodes) {
  std::string out;
  CpioWriter w(string_sink(out));
  w.add_file("/usr/lib/x/libc.so.6", "libc", 0755);
  w.add_file("usr/lib/x/libm.so.6", "libm");
  w.add_directory("/usr/lib");  // exists already: no-op
  w.add_file("/tmp/f", "");
  w.finish();
  auto es = parse_cpio(out);
  std::vector<std::string> names;
  std::set<uint32_t> inos;
  for (const auto& e : es) {
    names.push_back(e.name);
    if (e.name != "TRAILER!!!") {
      EXPECT_TRUE(inos.insert(e.ino).second) << e.name;
    }
    EXPECT_EQ(e.uid, 0u);
    EXPECT_EQ(e.gid, 0u);
    EXPECT_EQ(e.mtime, 0u);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"usr", "usr/lib", "usr/lib/x", "usr/lib/x/libc.so.6",
                                             "usr/lib/x/libm.so.6", "tmp", "tmp/f", "TRAILER!!!"}));
  EXPECT_EQ(find_entry(es, "usr")->mode, 040755u);
  EXPECT_EQ(find_entry(es, "tmp")->mode, 041777u);  // sticky, world-writable
  EXPECT_EQ(find_entry(es, "usr/lib/x/libc.so.6")->mode, 0100755u);
  EXPECT_EQ(find_entry(es, "usr/lib/x/libm.so.6")->data, "libm");
}

TEST(CpioWriter, RejectsDuplicatesAndBadPaths) {
  std::string out;
  CpioWriter w(string_sink(out));
  w.add_file("/x", "1");
  EXPECT_KTSTR_ERROR(w.add_file("x", "2"), "initramfs: duplicate entry /x");
  EXPECT_KTSTR_ERROR(w.add_file("/x/y", "3"), "initramfs: x is needed as a directory but is a file");  // parent is a file
  EXPECT_KTSTR_ERROR(w.add_file("/a/../b", "4"), "initramfs path /a/../b must not contain '..'");
  EXPECT_KTSTR_ERROR(w.add_directory("/"), "initramfs path '/' names the archive root");
  w.finish();
  EXPECT_KTSTR_ERROR(w.add_file("/late", ""), "initramfs: entry late added after the archive was finished");
}

TEST(CpioWriter, AssumedDirectoriesAreNotEmitted) {
  std::string out;
  CpioWriter w(string_sink(out));
  w.assume_directory("/tmp");
  w.add_file("/tmp/run.json", "{}");
  w.finish();
  auto es = parse_cpio(out);
  ASSERT_EQ(es.size(), 2u);
  EXPECT_EQ(es[0].name, "tmp/run.json");
}

TEST(CpioWriter, StreamsHostFileToFdSink) {
  TempDir t;
  std::string big(3 * 1024 * 1024 + 7, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 % 251);
  write_file_atomic(t.path() / "src.bin", big);
  {
    Fd fd(::open((t.path() / "out.cpio").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    ASSERT_TRUE(fd);
    CpioWriter w(fd_sink(fd.get()));
    w.add_file_from_host("/bin/tool", t.path() / "src.bin", 0700);
    w.finish();
  }
  auto es = parse_cpio(read_file(t.path() / "out.cpio"));
  const auto* e = find_entry(es, "bin/tool");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->mode, 0100700u);
  EXPECT_TRUE(e->data == big);
  EXPECT_KTSTR_ERROR(CpioWriter(string_sink(big)).add_file_from_host("/y", t.path() / "missing"), "/missing for initramfs: No such file or directory");
}

// GNU cpio reading our output proves the format is the standard one, not
// merely self-consistent.
TEST(CpioWriter, ExtractsWithGnuCpio) {
  auto cpio = find_in_path("cpio");
  if (!cpio) GTEST_SKIP() << "cpio not installed";
  TempDir t;
  std::string out;
  CpioWriter w(string_sink(out));
  w.add_file("/etc/hello.txt", "hello world\n", 0640);
  w.add_file("/bin/odd", std::string("abc"), 0755);  // length not a multiple of 4
  w.add_symlink("/bin/link", "odd");
  w.add_directory("/empty", 0700);
  w.finish();
  write_file_atomic(t.path() / "a.cpio", out);
  fs::create_directory(t.path() / "x");
  auto r = run_capture({"sh", "-c", "cd \"$0\" && cpio -idm --quiet < \"$1\"",
                        (t.path() / "x").string(), (t.path() / "a.cpio").string()});
  ASSERT_TRUE(r.status.ok()) << r.err;
  auto x = t.path() / "x";
  EXPECT_EQ(read_file(x / "etc/hello.txt"), "hello world\n");
  EXPECT_EQ(read_file(x / "bin/odd"), "abc");
  EXPECT_EQ(fs::read_symlink(x / "bin/link"), "odd");
  EXPECT_TRUE(fs::is_directory(x / "empty"));
  struct stat st;
  ASSERT_EQ(::stat((x / "etc/hello.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_mtime, 0);  // -m keeps our reproducible mtime
}
