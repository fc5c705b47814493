// The 16550 as the Linux 8250 driver probes and drives it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vm/kvm/devices/serial.hpp"

using namespace ktstr::vm::kvm;
using S = Serial16550;

namespace {
struct SerialRig {
  std::string out;
  std::vector<std::pair<uint32_t, bool>> irqs;
  S uart{4, [this](uint32_t irq, bool level) { irqs.push_back({irq, level}); },
         [this](std::span<const uint8_t> b) { out.append(b.begin(), b.end()); }};
  uint8_t in(uint16_t reg) {
    uint8_t v = 0;
    uart.read(reg, &v, 1);
    return v;
  }
  void outb(uint16_t reg, uint8_t v) { uart.write(reg, &v, 1); }
};
}  // namespace

TEST(KvmSerial, TransmitsEveryByteAndStaysEmpty) {
  SerialRig r;
  for (char c : std::string("hi\n")) r.outb(S::kData, static_cast<uint8_t>(c));
  EXPECT_EQ(r.out, "hi\n");
  EXPECT_EQ(r.in(S::kLsr) & (S::kLsrThre | S::kLsrTemt), S::kLsrThre | S::kLsrTemt);
  EXPECT_TRUE(r.irqs.empty()) << "no interrupt while IER is 0";
}

TEST(KvmSerial, ScratchAndIerReadBackAsTheProbeExpects) {
  SerialRig r;
  r.outb(S::kScr, 0xa5);
  EXPECT_EQ(r.in(S::kScr), 0xa5);
  r.outb(S::kIer, 0);
  EXPECT_EQ(r.in(S::kIer) & 0x0f, 0);
  r.outb(S::kIer, 0x0f);
  EXPECT_EQ(r.in(S::kIer) & 0x0f, 0x0f);
  r.outb(S::kIer, 0xff);
  EXPECT_EQ(r.in(S::kIer), 0x0f) << "upper IER bits are not implemented (not an XScale UART)";
}

TEST(KvmSerial, LoopbackMapsModemControlToModemStatus) {
  SerialRig r;
  // The 8250 probe: MCR = LOOP | OUT2 | RTS must read back MSR = DCD | CTS.
  r.outb(S::kMcr, S::kMcrLoop | 0x0a);
  EXPECT_EQ(r.in(S::kMsr) & 0xf0, 0x90);
  r.outb(S::kMcr, 0);
  EXPECT_EQ(r.in(S::kMsr), 0xb0) << "DCD, DSR, CTS with the cable attached";
}

TEST(KvmSerial, LoopbackSendsTransmittedBytesToTheReceiver) {
  SerialRig r;
  r.outb(S::kMcr, S::kMcrLoop);
  r.outb(S::kData, 'x');
  EXPECT_EQ(r.out, "") << "loopback must not reach the host";
  EXPECT_TRUE(r.in(S::kLsr) & S::kLsrDr);
  EXPECT_EQ(r.in(S::kData), 'x');
}

TEST(KvmSerial, FifoEnableShowsInIirAs16550A) {
  SerialRig r;
  EXPECT_EQ(r.in(S::kIir), S::kIirNone);
  r.outb(S::kIir, 0x01);  // FCR: enable FIFO
  EXPECT_EQ(r.in(S::kIir) >> 6, 3) << "both FIFO bits: a 16550A";
}

TEST(KvmSerial, DivisorLatchIsSeparateFromDataAndIer) {
  SerialRig r;
  r.outb(S::kLcr, S::kLcrDlab);
  r.outb(S::kData, 0x01);
  r.outb(S::kIer, 0x02);
  EXPECT_EQ(r.in(S::kData), 0x01);
  EXPECT_EQ(r.in(S::kIer), 0x02);
  r.outb(S::kLcr, 0x03);
  EXPECT_EQ(r.out, "") << "writes with DLAB set are divisor bytes, not output";
  EXPECT_EQ(r.in(S::kIer), 0);
}

TEST(KvmSerial, TransmitEmptyInterruptRaisesOnEnableAndClearsOnIirRead) {
  SerialRig r;
  r.outb(S::kIer, S::kIerTx);
  ASSERT_EQ(r.irqs.size(), 1u);
  EXPECT_EQ(r.irqs.back(), std::make_pair(4u, true));
  EXPECT_EQ(r.in(S::kIir) & 0x0f, S::kIirTx);
  EXPECT_EQ(r.irqs.back(), std::make_pair(4u, false)) << "reading IIR acknowledges THRE";
  EXPECT_EQ(r.in(S::kIir) & 0x0f, S::kIirNone);
  r.outb(S::kData, 'a');  // the byte leaves at once: THR empty again
  EXPECT_EQ(r.irqs.back(), std::make_pair(4u, true));
  r.outb(S::kIer, 0);
  EXPECT_EQ(r.irqs.back(), std::make_pair(4u, false));
}

TEST(KvmSerial, ReceivedDataRaisesItsInterruptUntilDrained) {
  SerialRig r;
  r.outb(S::kIer, S::kIerRx);
  EXPECT_TRUE(r.irqs.empty());
  const uint8_t in[] = {'o', 'k'};
  r.uart.push_input(in);
  EXPECT_EQ(r.irqs.back(), std::make_pair(4u, true));
  EXPECT_EQ(r.in(S::kIir) & 0x0f, S::kIirRx);
  EXPECT_EQ(r.in(S::kData), 'o');
  EXPECT_EQ(r.in(S::kData), 'k');
  EXPECT_FALSE(r.in(S::kLsr) & S::kLsrDr);
  EXPECT_EQ(r.irqs.back(), std::make_pair(4u, false));
}

TEST(KvmSerial, ReceiveHasPriorityOverTransmit) {
  SerialRig r;
  r.outb(S::kIer, S::kIerRx | S::kIerTx);
  const uint8_t in[] = {'z'};
  r.uart.push_input(in);
  EXPECT_EQ(r.in(S::kIir) & 0x0f, S::kIirRx);
  r.in(S::kData);
  EXPECT_EQ(r.in(S::kIir) & 0x0f, S::kIirTx);
}
