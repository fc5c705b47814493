// CMOS reads 0 (no "update in progress" spin), ACPI PM1 control powers off.
#include <gtest/gtest.h>

#include "vm/kvm/devices/acpi_pm.hpp"
#include "vm/kvm/devices/cmos.hpp"
#include "util/error.hpp"
#include "vm/kvm/devices/io_bus.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::vm::kvm;

TEST(KvmCmos, StatusRegisterAReadsZero) {
  Cmos c;
  uint8_t idx = 0x8a;  // register A with the NMI-disable bit
  c.write(0, &idx, 1);
  EXPECT_EQ(c.index(), 0x0a);
  uint8_t v = 0xff;
  c.read(1, &v, 1);
  EXPECT_EQ(v, 0) << "UIP clear: the kernel must not wait for an RTC update";
}

TEST(KvmAcpiPm, SleepEnableWithTheS5TypePowersOff) {
  int off = 0;
  AcpiPm pm([&] { ++off; });
  uint16_t sci = 0;
  pm.read(AcpiPm::kControlOffset, reinterpret_cast<uint8_t*>(&sci), 2);
  EXPECT_TRUE(sci & AcpiPm::kSciEnable) << "always in ACPI mode";
  uint16_t s3 = static_cast<uint16_t>(AcpiPm::kSleepEnable | (3 << AcpiPm::kSleepTypeShift));
  pm.write(AcpiPm::kControlOffset, reinterpret_cast<uint8_t*>(&s3), 2);
  EXPECT_EQ(off, 0) << "only the \\_S5 type powers off";
  uint16_t type_only = static_cast<uint16_t>(AcpiPm::kS5SleepType << AcpiPm::kSleepTypeShift);
  pm.write(AcpiPm::kControlOffset, reinterpret_cast<uint8_t*>(&type_only), 2);
  EXPECT_EQ(off, 0) << "SLP_TYP without SLP_EN";
  uint16_t s5 = static_cast<uint16_t>(type_only | AcpiPm::kSleepEnable);
  pm.write(AcpiPm::kControlOffset, reinterpret_cast<uint8_t*>(&s5), 2);
  EXPECT_EQ(off, 1);
}

TEST(KvmIoBus, UnclaimedPortsReadAllOnesAndAreCounted) {
  IoBus bus;
  bus.add(0x70, 2, std::make_shared<Cmos>());
  uint8_t v[2] = {0, 0};
  EXPECT_FALSE(bus.read(0x3e8, v, 2));
  EXPECT_EQ(v[0], 0xff);
  EXPECT_EQ(v[1], 0xff);
  EXPECT_TRUE(bus.read(0x71, v, 1));
  EXPECT_EQ(v[0], 0);
  EXPECT_EQ(bus.unclaimed(), 1u);
}

TEST(KvmIoBus, OverlappingDevicesAreRefused) {
  IoBus bus;
  bus.add(0x3f8, 8, std::make_shared<Cmos>());
  EXPECT_KTSTR_ERROR(bus.add(0x3fc, 2, std::make_shared<Cmos>()), "I/O ports 0x3fc+2 overlap a device at 0x3f8+8");
}
