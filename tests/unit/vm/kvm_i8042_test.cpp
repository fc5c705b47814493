// The keyboard controller: probe answers and the reset line.
#include <gtest/gtest.h>

#include "vm/kvm/devices/i8042.hpp"

using namespace ktstr::vm::kvm;

namespace {
struct I8042Rig {
  int resets = 0;
  I8042 kbc{[this] { ++resets; }};
  uint8_t in(uint16_t off) {
    uint8_t v = 0;
    kbc.read(off, &v, 1);
    return v;
  }
  void outb(uint16_t off, uint8_t v) { kbc.write(off, &v, 1); }
};
constexpr uint16_t kData = 0, kCmd = 4;
}  // namespace

TEST(KvmI8042, SelfTestAnswersThroughTheOutputBuffer) {
  I8042Rig r;
  EXPECT_FALSE(r.in(kCmd) & I8042::kStatusOutputFull);
  r.outb(kCmd, I8042::kCmdSelfTest);
  EXPECT_TRUE(r.in(kCmd) & I8042::kStatusOutputFull);
  EXPECT_EQ(r.in(kData), 0x55);
  EXPECT_FALSE(r.in(kCmd) & I8042::kStatusOutputFull) << "reading the data port empties the buffer";
  EXPECT_EQ(r.resets, 0);
}

TEST(KvmI8042, CommandByteReadsBackWhatWasWritten) {
  I8042Rig r;
  r.outb(kCmd, I8042::kCmdWriteCtr);
  r.outb(kData, 0x20);
  r.outb(kCmd, I8042::kCmdReadCtr);
  EXPECT_EQ(r.in(kData), 0x20);
}

TEST(KvmI8042, PulsingTheResetLineResetsOnce) {
  I8042Rig r;
  // Linux's keyboard reboot writes 0xfe ten times.
  for (int i = 0; i < 10; ++i) r.outb(kCmd, I8042::kCmdPulseReset);
  EXPECT_EQ(r.resets, 1);
}

TEST(KvmI8042, OutputPortWithResetBitClearResets) {
  I8042Rig r;
  r.outb(kCmd, I8042::kCmdWriteOutput);
  r.outb(kData, 0x01);  // reset bit high: CPU keeps running
  EXPECT_EQ(r.resets, 0);
  r.outb(kCmd, I8042::kCmdWriteOutput);
  r.outb(kData, 0x00);
  EXPECT_EQ(r.resets, 1);
}

TEST(KvmI8042, PulseWithoutTheResetBitDoesNothing) {
  I8042Rig r;
  r.outb(kCmd, 0xff);  // pulse no line
  EXPECT_EQ(r.resets, 0);
  r.outb(kData, 0xf4);  // a keyboard command is acknowledged
  EXPECT_EQ(r.in(kData), 0xfa);
}
