// `ktstr shell --exec`: the guest really boots Debian's sched_ext kernel and
// the command's output and exit code come back.
#include <gtest/gtest.h>

#include "vm_harness.hpp"

using ktstr::vmtest::run_ktstr;

TEST(ShellExec, SchedExtStateIsDisabledUnderEevdf) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"shell", "--exec", "cat /sys/kernel/sched_ext/state"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "disabled\n") << r.err;
}

TEST(ShellExec, ExitCodePropagates) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"shell", "--exec", "echo before; exit 7"});
  EXPECT_EQ(r.code, 7) << r.err;
  EXPECT_EQ(r.out, "before\n");
}

TEST(ShellExec, GuestRunsOurInitAsPid1WithMounts) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"shell", "--exec",
                  "cat /proc/1/comm; grep -oE ' /sys/fs/(cgroup|bpf) (cgroup2|bpf)' /proc/mounts; "
                  "grep -c ' /sys/kernel/(debug|tracing) ' /proc/mounts; "
                  "grep -oE ' /sys/kernel/(debug|tracing) ' /proc/mounts | wc -l"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("init\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/sys/fs/cgroup cgroup2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/sys/fs/bpf bpf"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2\n"), std::string::npos) << r.out;  // debugfs + tracefs
}

TEST(ShellExec, TopologyAndMemoryReachTheGuest) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"shell", "--topology", "1,1,4,1", "--memory-mb", "512", "--exec",
                  "cat /sys/devices/system/cpu/online; grep MemTotal /proc/meminfo"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("0-3\n"), std::string::npos) << r.out;
  // 512 MiB minus the kernel and the channel reservation.
  auto pos = r.out.find("MemTotal:");
  ASSERT_NE(pos, std::string::npos);
  long kb = std::stol(r.out.substr(pos + 9));
  EXPECT_GT(kb, 400 * 1024);
  EXPECT_LT(kb, 512 * 1024);
}

TEST(ShellExec, IncludedDynamicBinaryRunsWithItsLibraries) {
  KTSTR_REQUIRE_VM();
  // zstd links libzstd, liblzma, liblz4 and libz: only the ELF closure makes it run.
  auto r = run_ktstr({"shell", "--include-files", "/usr/bin/zstd", "--exec",
                  "command -v zstd; zstd --version"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("/usr/local/bin/zstd"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Zstandard"), std::string::npos) << r.out;
}

TEST(ShellExec, LargeOutputArrivesComplete) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"shell", "--exec", "seq 1 20000"});
  ASSERT_EQ(r.code, 0) << r.err;
  size_t lines = std::count(r.out.begin(), r.out.end(), '\n');
  EXPECT_EQ(lines, 20000u);
  EXPECT_EQ(r.out.substr(r.out.size() - 6), "20000\n");
}

TEST(ShellExec, BadArgumentsAreUsageErrors) {
  // No VM needed: refused before anything boots.
  auto r = run_ktstr({"shell", "--topology", "2,3,1,1", "--exec", "true"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("multiple of numa_nodes"), std::string::npos) << r.err;
  r = run_ktstr({"shell", "--kernel", "/nonexistent/vmlinux", "--exec", "true"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/nonexistent/vmlinux"), std::string::npos) << r.err;
  r = run_ktstr({"shell", "--bogus-flag"});
  EXPECT_EQ(r.code, 2);
}
