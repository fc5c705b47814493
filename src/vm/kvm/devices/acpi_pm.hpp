#pragma once
// ACPI fixed-hardware power management registers (PM1a event and control
// blocks, described by the FADT). The guest powers off by writing
// SLP_TYP = the \_S5 value from the DSDT together with SLP_EN to PM1a_CNT;
// that ends the VM cleanly. PM1_CNT reads with SCI_EN set, telling ACPICA
// the machine is already in ACPI mode (there is no SMI command port).
#include <cstdint>
#include <functional>
#include <mutex>

#include "vm/kvm/devices/io_bus.hpp"

namespace ktstr::vm::kvm {

class AcpiPm final : public IoDevice {
 public:
  // Covers the event block (offset 0-3: status, enable) and the control
  // block (offset 4-5).
  static constexpr uint16_t kLength = 6;
  static constexpr uint16_t kControlOffset = 4;
  static constexpr uint16_t kSciEnable = 0x0001;
  static constexpr uint16_t kSleepEnable = 0x2000;
  static constexpr uint16_t kSleepTypeShift = 10;
  static constexpr uint8_t kS5SleepType = 5;  // must match \_S5 in the DSDT

  explicit AcpiPm(std::function<void()> on_power_off);
  void read(uint16_t offset, uint8_t* data, uint32_t size) override;
  void write(uint16_t offset, const uint8_t* data, uint32_t size) override;

 private:
  std::mutex mu_;
  std::function<void()> on_power_off_;
  uint16_t enable_ = 0, control_ = kSciEnable;
  bool off_ = false;
};

}  // namespace ktstr::vm::kvm
