#include <gtest/gtest.h>

#include <algorithm>

#include "vm/layout.hpp"
#include "vm/qemu/qemu_cmdline.hpp"

using namespace ktstr::vm;

namespace {
VmSpec spec_4cpu() {
  VmSpec s;
  s.kernel = "/k/vmlinux";
  s.topology = {1, 2, 2, 1};
  s.memory_mb = 512;
  return s;
}
std::string arg_after(const std::vector<std::string>& a, const std::string& flag, int nth = 0) {
  for (size_t i = 0; i + 1 < a.size(); ++i)
    if (a[i] == flag && nth-- == 0) return a[i + 1];
  return "";
}
}  // namespace

TEST(QemuCmdline, TcgUsesSingleThreadAndClockHints) {
  qemu::QemuInputs in{"qemu", Accel::Tcg, {5}, 6, 7, 8};
  auto a = qemu::qemu_argv(spec_4cpu(), in);
  EXPECT_EQ(arg_after(a, "-accel"), "tcg,thread=single");
  EXPECT_EQ(arg_after(a, "-cpu"), "max");
  auto cmdline = arg_after(a, "-append");
  EXPECT_NE(cmdline.find("tsc_early_khz="), std::string::npos);
  EXPECT_NE(cmdline.find("panic=-1"), std::string::npos);
  EXPECT_NE(cmdline.find("console=ttyS0"), std::string::npos);
}

TEST(QemuCmdline, KvmUsesHostCpuWithoutTcgHints) {
  qemu::QemuInputs in{"qemu", Accel::Kvm, {5}, 6, 7, 8};
  auto a = qemu::qemu_argv(spec_4cpu(), in);
  EXPECT_EQ(arg_after(a, "-accel"), "kvm");
  EXPECT_EQ(arg_after(a, "-cpu"), "host");
  EXPECT_EQ(arg_after(a, "-append").find("tsc_early_khz"), std::string::npos);
}

TEST(QemuCmdline, GuestRamIsTheSharedMemfd) {
  qemu::QemuInputs in{"qemu", Accel::Tcg, {5}, 6, 7, 8};
  auto a = qemu::qemu_argv(spec_4cpu(), in);
  EXPECT_EQ(arg_after(a, "-object"),
            "memory-backend-file,id=ram0,size=512M,mem-path=/proc/self/fd/5,share=on");
  EXPECT_EQ(arg_after(a, "-initrd"), "/proc/self/fd/6");
  EXPECT_EQ(arg_after(a, "-smp"), "cpus=4,sockets=2,cores=2,threads=1");
}

TEST(QemuCmdline, ChannelIsReservedWhereTheHostLooks) {
  auto s = spec_4cpu();
  auto cmdline = qemu::kernel_cmdline(s, Accel::Tcg);
  uint64_t base = layout::channel_base(512ull << 20);
  EXPECT_EQ(base, (512ull << 20) - layout::kChannelTopGap - layout::kChannelSize);
  char want[128];
  std::snprintf(want, sizeof want, "memmap=1024K$%#llx ktstr.chan=%#llx,0x100000",
                static_cast<unsigned long long>(base), static_cast<unsigned long long>(base));
  EXPECT_NE(cmdline.find(want), std::string::npos) << cmdline;
  // The request mailbox is reserved right below the ring.
  uint64_t mbox = layout::mailbox_base(512ull << 20);
  EXPECT_EQ(mbox + layout::kMailboxSize, base);
  std::snprintf(want, sizeof want, "memmap=256K$%#llx ktstr.mbox=%#llx,0x40000",
                static_cast<unsigned long long>(mbox), static_cast<unsigned long long>(mbox));
  EXPECT_NE(cmdline.find(want), std::string::npos) << cmdline;
  // Large guests keep the ring in low memory.
  EXPECT_EQ(layout::channel_base(16ull << 30), (2ull << 30) - layout::kChannelTopGap - layout::kChannelSize);
}

TEST(QemuCmdline, InteractiveConsoleIsStdioAndInitPortIsSecondUart) {
  auto s = spec_4cpu();
  s.interactive = true;
  qemu::QemuInputs in{"qemu", Accel::Tcg, {5}, 6, -1, 8};
  auto a = qemu::qemu_argv(s, in);
  EXPECT_EQ(arg_after(a, "-chardev", 0), "stdio,id=con,signal=off");
  EXPECT_EQ(arg_after(a, "-chardev", 1), "file,id=initport,path=/proc/self/fd/8");
  EXPECT_EQ(arg_after(a, "-device"), "isa-serial,chardev=initport,iobase=0x2f8,irq=3");
}

TEST(QemuCmdline, ExtraKernelArgsAreAppended) {
  auto s = spec_4cpu();
  s.extra_cmdline = "sched_ext.foo=1";
  auto c = qemu::kernel_cmdline(s, Accel::Kvm);
  EXPECT_EQ(c.substr(c.size() - 15), "sched_ext.foo=1");
}
