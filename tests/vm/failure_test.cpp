// How a VM can go wrong and what ktstr makes of it: guest panics, hangs,
// and the user interrupting ktstr.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fcntl.h>

#include <thread>

#include "util/files.hpp"
#include "vm_harness.hpp"

using namespace ktstr::vmtest;

TEST(VmFailure, GuestPanicIsReportedWithConsoleTailBeforeTheDeadline) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"shell", "--timeout", "120", "--exec", "echo c > /proc/sysrq-trigger"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("guest kernel panic"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Kernel panic - not syncing: sysrq triggered crash"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("guest console"), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 60) << "panic must end the VM long before its 120 s deadline";
}

TEST(VmFailure, HungGuestIsKilledAtItsDeadline) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"shell", "--timeout", "10", "--exec", "sleep 1000"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("timeout"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("deadline was 10s"), std::string::npos) << r.err;
  EXPECT_GE(r.seconds, 10);
  EXPECT_LT(r.seconds, 40);
}

TEST(VmFailure, CrashOfTheGuestCommandIsReported) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"shell", "--exec", "kill -SEGV $$"});
  EXPECT_EQ(r.code, 128 + SIGSEGV) << r.err;
}

namespace {
// Starts ktstr with a guest that never finishes, waits until its QEMU runs,
// sends `sig`, and checks nothing survives.
void interrupt_and_check(int sig) {
  ktstr::SpawnOptions so;
  int devnull = ::open("/dev/null", O_WRONLY);
  so.stdout_fd = devnull;
  so.stderr_fd = devnull;
  auto child = ktstr::Child::spawn({KTSTR_BINARY, "shell", "--timeout", "120", "--exec", "sleep 1000"}, so);
  ::close(devnull);
  std::vector<int> qemu;
  for (int i = 0; i < 300 && qemu.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (int pid : children_of(child.pid())) {
      auto comm = ktstr::try_read_file("/proc/" + std::to_string(pid) + "/comm");
      if (comm && comm->rfind("qemu", 0) == 0) qemu.push_back(pid);
    }
  }
  ASSERT_FALSE(qemu.empty()) << "ktstr never started QEMU";
  std::this_thread::sleep_for(std::chrono::seconds(2));  // guest is booting or running
  ::kill(child.pid(), sig);
  auto st = child.wait_until(std::chrono::steady_clock::now() + std::chrono::seconds(20));
  ASSERT_TRUE(st.has_value()) << "ktstr did not exit after the signal";
  EXPECT_EQ(st->code, 128 + sig);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (int pid : qemu) EXPECT_FALSE(process_exists(pid)) << "QEMU " << pid << " survived";
}
}  // namespace

TEST(VmFailure, SigtermLeavesNoQemuBehind) {
  KTSTR_REQUIRE_VM();
  interrupt_and_check(SIGTERM);
}

TEST(VmFailure, SigintLeavesNoQemuBehind) {
  KTSTR_REQUIRE_VM();
  interrupt_and_check(SIGINT);
}
