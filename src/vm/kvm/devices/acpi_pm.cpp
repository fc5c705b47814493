#include "vm/kvm/devices/acpi_pm.hpp"

#include <cstring>

namespace ktstr::vm::kvm {

AcpiPm::AcpiPm(std::function<void()> on_power_off) : on_power_off_(std::move(on_power_off)) {}

void AcpiPm::read(uint16_t offset, uint8_t* data, uint32_t size) {
  std::lock_guard lock(mu_);
  // Little-endian view of the six bytes: status (always 0), enable, control.
  uint8_t regs[kLength] = {0, 0, static_cast<uint8_t>(enable_), static_cast<uint8_t>(enable_ >> 8),
                           static_cast<uint8_t>(control_), static_cast<uint8_t>(control_ >> 8)};
  for (uint32_t i = 0; i < size; ++i) data[i] = offset + i < kLength ? regs[offset + i] : 0xff;
}

void AcpiPm::write(uint16_t offset, const uint8_t* data, uint32_t size) {
  std::lock_guard lock(mu_);
  for (uint32_t i = 0; i < size; ++i) {
    uint32_t at = offset + i;
    uint8_t b = data[i];
    if (at == 2) enable_ = static_cast<uint16_t>((enable_ & 0xff00) | b);
    if (at == 3) enable_ = static_cast<uint16_t>((enable_ & 0x00ff) | (b << 8));
    if (at == 4) control_ = static_cast<uint16_t>((control_ & 0xff00) | b);
    if (at == 5) control_ = static_cast<uint16_t>((control_ & 0x00ff) | (b << 8));
  }
  // SCI_EN stays set: there is no legacy mode to return to.
  control_ |= kSciEnable;
  bool sleep = control_ & kSleepEnable;
  uint8_t type = (control_ >> kSleepTypeShift) & 0x7;
  control_ &= static_cast<uint16_t>(~kSleepEnable);  // SLP_EN is write-only
  if (sleep && type == kS5SleepType && !off_) {
    off_ = true;
    if (on_power_off_) on_power_off_();
  }
}

}  // namespace ktstr::vm::kvm
