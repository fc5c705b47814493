#include <gtest/gtest.h>

#include "vm/guest_memory.hpp"
#include "vm/layout.hpp"
#include "vm/outcome.hpp"

using namespace ktstr;
using namespace ktstr::vm;

TEST(Outcome, ExitCodeWinsEvenIfWeHadToKillQemuAfterwards) {
  Observed seen;
  seen.guest_exit_code = 3;
  seen.timed_out = false;
  VmOutcome o;
  classify(seen, o);
  EXPECT_EQ(o.kind, ExitKind::Clean);
  EXPECT_EQ(o.guest_exit_code, 3);
}

TEST(Outcome, PanicLineIsTheDetail) {
  Observed seen;
  seen.backend_status = ExitStatus{0, 0};
  seen.last_stage = "action exec";
  VmOutcome o;
  o.console = "[ 1.0] foo\n[ 2.4] Kernel panic - not syncing: sysrq triggered crash\n[ 2.5] Kernel Offset: disabled\n";
  classify(seen, o);
  EXPECT_EQ(o.kind, ExitKind::Panic);
  EXPECT_EQ(o.detail, "Kernel panic - not syncing: sysrq triggered crash (last guest stage: action exec)");
}

TEST(Outcome, TimeoutWithoutExitCode) {
  Observed seen;
  seen.timed_out = true;
  VmOutcome o;
  classify(seen, o);
  EXPECT_EQ(o.kind, ExitKind::Timeout);
}

TEST(Outcome, QemuFailureIsBackendError) {
  Observed seen;
  seen.backend_status = ExitStatus{1, 0};
  VmOutcome o;
  o.backend_stderr = "qemu-system-x86_64: -kernel /x: could not load kernel\n";
  classify(seen, o);
  EXPECT_EQ(o.kind, ExitKind::BackendError);
  EXPECT_NE(o.detail.find("could not load kernel"), std::string::npos);
}

TEST(Outcome, CleanPowerOffWithoutResult) {
  Observed seen;
  seen.backend_status = ExitStatus{0, 0};
  VmOutcome o;
  classify(seen, o);
  EXPECT_EQ(o.kind, ExitKind::NoResult);
}

TEST(Outcome, InitFailureMessageIsSurfaced) {
  Observed seen;
  seen.backend_status = ExitStatus{0, 0};
  seen.guest_panic_message = "bad run request";
  VmOutcome o;
  classify(seen, o);
  EXPECT_EQ(o.kind, ExitKind::NoResult);
  EXPECT_NE(o.detail.find("bad run request"), std::string::npos);
}

TEST(TailLines, KeepsLastLines) {
  EXPECT_EQ(tail_lines("a\nb\nc\n", 2), "b\nc\n");
  EXPECT_EQ(tail_lines("a\nb\nc", 2), "b\nc");
  EXPECT_EQ(tail_lines("a\n", 5), "a\n");
  EXPECT_EQ(tail_lines("", 3), "");
}

TEST(GuestMemory, MicrovmLayoutTranslation) {
  uint64_t off = 0;
  uint64_t ram = 4ull << 30;
  EXPECT_TRUE(GuestMemory::gpa_to_offset(0x1000, ram, layout::kLowMemLimit, &off));
  EXPECT_EQ(off, 0x1000u);
  EXPECT_FALSE(GuestMemory::gpa_to_offset(layout::kLowMemLimit, ram, layout::kLowMemLimit, &off));  // the hole
  EXPECT_TRUE(GuestMemory::gpa_to_offset(layout::kHighMemStart, ram, layout::kLowMemLimit, &off));
  EXPECT_EQ(off, layout::kLowMemLimit);
  EXPECT_FALSE(GuestMemory::gpa_to_offset(layout::kHighMemStart + (1ull << 30), ram, layout::kLowMemLimit, &off));
  EXPECT_FALSE(GuestMemory::gpa_to_offset(256ull << 20, 256ull << 20, layout::kLowMemLimit, &off));
}

TEST(GuestMemory, NumaBackendsAreLaidEndToEnd) {
  GuestMemory m({8ull << 20, 8ull << 20}, layout::kLowMemLimit);
  ASSERT_EQ(m.fds().size(), 2u);
  m.at((8ull << 20) + 16, 1)[0] = 7;  // first byte region of backend 1
  EXPECT_EQ(m.at((8ull << 20) + 16, 1)[0], 7);
  EXPECT_TRUE(m.at((8ull << 20) - 4, 8).empty());  // would straddle two memfds
}

TEST(GuestMemory, SpansNeverCrossTheHole) {
  GuestMemory m(16ull << 20);
  EXPECT_EQ(m.at(0, 4096).size(), 4096u);
  EXPECT_TRUE(m.at((16ull << 20) - 8, 16).empty());
  m.at(100, 4)[0] = 42;
  EXPECT_EQ(m.at(100, 1)[0], 42);
}

TEST(Outcome, OwnVmmVcpuCrashWinsEvenOverAReportedExitCode) {
  Observed seen;
  seen.guest_exit_code = 0;
  seen.vcpu_crash = "vCPU 2 crashed: SIGSEGV (fault address 0x10)";
  seen.last_stage = "action exec";
  VmOutcome o;
  classify(seen, o);
  EXPECT_EQ(o.kind, ExitKind::VcpuCrash);
  EXPECT_EQ(o.detail, "vCPU 2 crashed: SIGSEGV (fault address 0x10) (last guest stage: action exec)");
  EXPECT_STREQ(to_string(o.kind), "vCPU crash");
}

TEST(Outcome, OwnVmmKvmFailureIsABackendErrorAndMachineEventsExplainNoResult) {
  Observed kvm;
  kvm.backend_failure = "KVM internal error on vCPU 0 (suberror 1)";
  VmOutcome a;
  classify(kvm, a);
  EXPECT_EQ(a.kind, ExitKind::BackendError);
  EXPECT_EQ(a.detail, "KVM internal error on vCPU 0 (suberror 1)");
  Observed off;
  off.machine_event = "triple fault";
  VmOutcome b;
  classify(off, b);
  EXPECT_EQ(b.kind, ExitKind::NoResult);
  EXPECT_EQ(b.detail, "VM stopped without the guest reporting a result (triple fault)");
}
