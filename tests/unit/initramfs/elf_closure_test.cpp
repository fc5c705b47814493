#include <gtest/gtest.h>

#include <algorithm>

#include "initramfs/elf_closure.hpp"
#include "initramfs/elf_info.hpp"
#include "unit/initramfs/helpers.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::initramfs;
using ktstr::test::TempDir;
namespace fs = std::filesystem;

namespace {

const Dependency* by_name(const std::vector<Dependency>& deps, const std::string& file) {
  for (const auto& d : deps)
    if (fs::path(d.guest_path).filename() == file) return &d;
  return nullptr;
}

using ktstr::test::error_of;

// A tiny program tree built with the system compiler:
//   exe -> libouter.so -> libinner.so, all three in separate directories.
struct TinyTree {
  TempDir t;
  fs::path exe, outer, inner;
  bool ok = false;
  std::string log;

  void cc(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"cc"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_capture(argv, std::chrono::seconds(60));
    log += r.err;
    if (!r.status.ok()) throw std::runtime_error("cc failed: " + r.err);
  }

  // The flags decide how the executable and libouter.so find their libraries.
  explicit TinyTree(const std::vector<std::string>& exe_flags,
                    const std::vector<std::string>& outer_flags = {}) {
    if (!find_in_path("cc")) return;
    auto d = t.path();
    fs::create_directories(d / "bin");
    fs::create_directories(d / "lib");
    fs::create_directories(d / "deep");
    write_file_atomic(d / "inner.c", "int inner(void) { return 41; }\n");
    write_file_atomic(d / "outer.c", "int inner(void); int outer(void) { return inner() + 1; }\n");
    write_file_atomic(d / "main.c", "int outer(void); int main(void) { return outer() == 42 ? 0 : 1; }\n");
    inner = d / "deep/libinner.so";
    outer = d / "lib/libouter.so";
    exe = d / "bin/exe";
    cc({"-shared", "-fPIC", "-o", inner.string(), (d / "inner.c").string()});
    std::vector<std::string> o = {"-shared", "-fPIC", "-o", outer.string(), (d / "outer.c").string(),
                                  "-L", (d / "deep").string(), "-linner"};
    o.insert(o.end(), outer_flags.begin(), outer_flags.end());
    cc(o);
    std::vector<std::string> a = {"-o", exe.string(), (d / "main.c").string(), "-L", (d / "lib").string(),
                                  "-L", (d / "deep").string(), "-louter", "-linner"};
    // -linner only to satisfy the static linker; --as-needed drops it again.
    a.insert(a.begin(), "-Wl,--as-needed");
    a.insert(a.end(), exe_flags.begin(), exe_flags.end());
    cc(a);
    ok = true;
  }
};

}  // namespace

TEST(ElfInfo, ReadsDynamicExecutable) {
  auto info = read_elf_info("/bin/ls");
  ASSERT_TRUE(info.interp.has_value());
  EXPECT_NE(std::find(info.needed.begin(), info.needed.end(), "libc.so.6"), info.needed.end());
  EXPECT_FALSE(info.is_static());
}

TEST(ElfInfo, RejectsNonElf) {
  TempDir t;
  write_file_atomic(t.path() / "script.sh", "#!/bin/sh\necho hi\n");
  std::string msg = error_of([&] { read_elf_info(t.path() / "script.sh"); });
  EXPECT_NE(msg.find("script.sh"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not an ELF file"), std::string::npos) << msg;
  EXPECT_FALSE(try_read_elf_info(t.path() / "script.sh").has_value());
  msg = error_of([&] { elf_closure(t.path() / "script.sh"); });
  EXPECT_NE(msg.find("not an ELF file"), std::string::npos) << msg;
  EXPECT_KTSTR_ERROR(read_elf_info(t.path() / "missing"), "/missing: No such file or directory");
}

TEST(ElfClosure, LsNeedsLibcAndLoader) {
  auto deps = elf_closure("/bin/ls");
  const auto* libc = by_name(deps, "libc.so.6");
  ASSERT_NE(libc, nullptr);
  EXPECT_TRUE(fs::is_regular_file(libc->host_path));
  EXPECT_FALSE(fs::is_symlink(libc->host_path));  // realpath, not the symlink
  auto interp = read_elf_info("/bin/ls").interp;
  ASSERT_TRUE(interp);
  auto it = std::find_if(deps.begin(), deps.end(), [&](auto& d) { return d.guest_path == *interp; });
  ASSERT_NE(it, deps.end()) << "loader " << *interp << " missing";
  EXPECT_EQ(it->host_path, fs::canonical(*interp));
  // libc's DT_NEEDED on the loader is satisfied by the loader itself, not by
  // a second copy in the library directory.
  auto loader_name = fs::path(*interp).filename().string();
  EXPECT_EQ(std::count_if(deps.begin(), deps.end(),
                          [&](auto& d) { return fs::path(d.guest_path).filename() == loader_name; }),
            1);
  EXPECT_TRUE(std::is_sorted(deps.begin(), deps.end(),
                             [](auto& a, auto& b) { return a.guest_path < b.guest_path; }));
}

TEST(ElfClosure, DebianLayout) {
  if (!fs::exists("/lib/x86_64-linux-gnu/libc.so.6")) GTEST_SKIP() << "not Debian multiarch";
  auto deps = elf_closure("/bin/true");
  std::vector<std::string> guests;
  for (auto& d : deps) guests.push_back(d.guest_path);
  EXPECT_EQ(guests, (std::vector<std::string>{"/lib/x86_64-linux-gnu/libc.so.6",
                                              "/lib64/ld-linux-x86-64.so.2"}));
}

TEST(ElfClosure, StaticBinaryHasNoDeps) {
  if (!fs::exists("/bin/busybox") || !read_elf_info("/bin/busybox").is_static())
    GTEST_SKIP() << "no static /bin/busybox";
  EXPECT_TRUE(elf_closure("/bin/busybox").empty());
}

TEST(ElfClosure, RunpathOriginResolvesRelativeToGuestLocation) {
  TinyTree tree({"-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN/../lib"},
                {"-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN/../deep"});
  if (!tree.ok) GTEST_SKIP() << "no C compiler";
  ASSERT_TRUE(run_capture({tree.exe.string()}).status.ok()) << "test program does not run";
  auto info = read_elf_info(tree.exe);
  EXPECT_FALSE(info.runpath.empty());
  // The executable will be /opt/t/bin/exe in the guest, so $ORIGIN is /opt/t/bin.
  auto deps = elf_closure({ClosureRoot{tree.exe, "/opt/t/bin/exe"}});
  const auto* outer = by_name(deps, "libouter.so");
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(outer->guest_path, "/opt/t/lib/libouter.so");
  EXPECT_EQ(outer->host_path, fs::canonical(tree.outer));
  // libouter.so's own $ORIGIN is its guest directory.
  const auto* inner = by_name(deps, "libinner.so");
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->guest_path, "/opt/t/deep/libinner.so");
  EXPECT_NE(by_name(deps, "libc.so.6"), nullptr);
}

// DT_RUNPATH applies only to the object's own DT_NEEDED; DT_RPATH of the
// executable also serves libraries loaded on its behalf. Same tree, two
// outcomes, exactly as ld.so behaves.
TEST(ElfClosure, RpathIsInheritedRunpathIsNot) {
  std::string rp = "-Wl,-rpath,$ORIGIN/../lib:$ORIGIN/../deep";
  TinyTree old_tags({"-Wl,--disable-new-dtags", rp});
  if (!old_tags.ok) GTEST_SKIP() << "no C compiler";
  auto deps = elf_closure({ClosureRoot{old_tags.exe, "/init"}});
  const auto* inner = by_name(deps, "libinner.so");
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->guest_path, "/deep/libinner.so");  // $ORIGIN = "/" for /init

  // With RUNPATH only, libouter.so (which has no path of its own) cannot
  // find libinner.so, and ld.so would fail the same way.
  TinyTree new_tags({"-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN/../lib"});
  std::string msg = error_of([&] { elf_closure(new_tags.exe); });
  EXPECT_NE(msg.find("libinner.so"), std::string::npos) << msg;
  EXPECT_NE(msg.find(new_tags.exe.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("libouter.so"), std::string::npos) << msg;  // who needed it
}

TEST(ElfClosure, MissingLibraryNamesBinaryAndLibrary) {
  TinyTree tree({"-Wl,-rpath,$ORIGIN/../lib:$ORIGIN/../deep"});
  if (!tree.ok) GTEST_SKIP() << "no C compiler";
  fs::remove(tree.outer);
  std::string msg = error_of([&] { elf_closure(tree.exe); });
  EXPECT_NE(msg.find(tree.exe.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("libouter.so"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
}

// A library found only through ld.so.conf lands in a directory the guest
// loader searches without an ld.so.cache.
TEST(ElfClosure, ConfDirLibrariesMoveToGuestSystemDir) {
  TinyTree tree({});
  if (!tree.ok) GTEST_SKIP() << "no C compiler";
  LibrarySearch s = LibrarySearch::host();
  s.conf_dirs.insert(s.conf_dirs.begin(), {tree.t.path() / "lib", tree.t.path() / "deep"});
  auto deps = elf_closure({ClosureRoot{tree.exe, "/init"}}, s);
  const auto* outer = by_name(deps, "libouter.so");
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(outer->guest_path, s.guest_system_dirs.front() + "/libouter.so");
}

TEST(LdSoConf, FollowsIncludeGlobs) {
  TempDir t;
  fs::create_directories(t.path() / "conf.d");
  write_file_atomic(t.path() / "ld.so.conf", "# comment\n/first\ninclude conf.d/*.conf\n\n/last  # x\n");
  write_file_atomic(t.path() / "conf.d/b.conf", "/b\n");
  write_file_atomic(t.path() / "conf.d/a.conf", "/a1\n/a2\ninclude " + (t.path() / "ld.so.conf").string() + "\n");
  write_file_atomic(t.path() / "conf.d/ignored.txt", "/nope\n");
  auto dirs = parse_ld_so_conf(t.path() / "ld.so.conf");
  EXPECT_EQ(dirs, (std::vector<fs::path>{"/first", "/a1", "/a2", "/b", "/last"}));
}

TEST(LdSoConf, HostSearchKnowsSystemDirs) {
  const auto& s = LibrarySearch::host();
  EXPECT_FALSE(s.guest_system_dirs.empty());
  EXPECT_FALSE(s.default_dirs.empty());
}
