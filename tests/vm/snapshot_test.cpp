// Snapshot starts (vm/qemu/snapshot_*): made on first use, restored after,
// each restored guest with its own request, clock and entropy; a corrupt
// snapshot costs one cold boot and nothing else; --no-snapshot cold-boots.
// One test, four VM starts, in a private snapshot directory so other runs
// sharing the cache are not disturbed.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <filesystem>
#include <fstream>

#include "vm_harness.hpp"

using ktstr::vmtest::run_ktstr;
namespace fs = std::filesystem;

namespace {
struct SnapshotDir {
  fs::path path;
  SnapshotDir() {
    std::string t = (fs::temp_directory_path() / "ktstr-vmtest-snap-XXXXXX").string();
    if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
    path = t;
    ::setenv("KTSTR_SNAPSHOT_DIR", t.c_str(), 1);
    ::unsetenv("KTSTR_SNAPSHOT");
  }
  ~SnapshotDir() {
    ::unsetenv("KTSTR_SNAPSHOT_DIR");
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::vector<fs::path> snapshots() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(path))
      if (e.is_directory()) out.push_back(e.path());
    return out;
  }
};

// Prints 16 random bytes and the guest's wall clock; exits 3 so the exit
// code is seen to come from this run's command.
const std::vector<std::string> kProbe = {
    "-v", "shell", "--exec", "head -c16 /dev/urandom | od -An -tx1 | tr -d ' \\n'; echo; date +%s; exit 3"};

struct Probe {
  std::string random;
  long clock = 0;
};
Probe parse(const std::string& out) {
  Probe p;
  auto nl = out.find('\n');
  p.random = out.substr(0, nl);
  p.clock = std::stol(out.substr(nl + 1));
  return p;
}
}  // namespace

TEST(Snapshot, MadeOnceRestoredWithFreshStateAndCorruptionCostsOneColdBoot) {
  KTSTR_REQUIRE_VM();
  SnapshotDir dir;

  auto cold = run_ktstr({"--no-snapshot", "-v", "shell", "--exec", "exit 3"});
  EXPECT_EQ(cold.code, 3) << cold.err;
  EXPECT_NE(cold.err.find("cold boot, guest ready"), std::string::npos) << cold.err;
  EXPECT_TRUE(dir.snapshots().empty()) << "--no-snapshot made a snapshot";

  auto first = run_ktstr(kProbe);
  ASSERT_EQ(first.code, 3) << first.err;
  EXPECT_NE(first.err.find("snapshot made"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("snapshot restore, guest ready"), std::string::npos) << first.err;
  ASSERT_EQ(dir.snapshots().size(), 1u);

  auto second = run_ktstr(kProbe);
  ASSERT_EQ(second.code, 3) << second.err;
  EXPECT_EQ(second.err.find("snapshot made"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("snapshot RAM loaded"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("snapshot restore, guest ready"), std::string::npos) << second.err;
  // Restored from identical RAM, yet each guest has its own entropy and
  // the host's wall clock, not the snapshot's.
  Probe a = parse(first.out), b = parse(second.out);
  EXPECT_EQ(a.random.size(), 32u) << first.out;
  EXPECT_NE(a.random, b.random);
  long now = ::time(nullptr);
  EXPECT_LT(std::labs(now - b.clock), 120) << second.out;

  // Corrupt the saved device state: the next run says so in one line,
  // discards the snapshot and cold-boots; the command still runs.
  fs::path snap = dir.snapshots().front();
  {
    std::ofstream f(snap / "state.bin", std::ios::binary | std::ios::trunc);
    f << "this is not a QEMU migration stream";
  }
  auto third = run_ktstr(kProbe);
  EXPECT_EQ(third.code, 3) << third.err;
  EXPECT_NE(third.err.find("failed to restore"), std::string::npos) << third.err;
  EXPECT_NE(third.err.find("discarded, cold boot"), std::string::npos) << third.err;
  EXPECT_NE(third.err.find("cold boot, guest ready"), std::string::npos) << third.err;
  EXPECT_FALSE(fs::exists(snap)) << "the corrupt snapshot was kept";
}
