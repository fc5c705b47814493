#pragma once
// CMOS/RTC stub at ports 0x70-0x71: an index register and data reads of 0.
// A real RTC is not needed (the guest takes wall-clock time from kvmclock);
// what matters is that status register A reads 0, so "update in progress"
// is never set — otherwise the kernel spins on it, costing ~40k exits.
#include <cstdint>
#include <mutex>

#include "vm/kvm/devices/io_bus.hpp"

namespace ktstr::vm::kvm {

class Cmos final : public IoDevice {
 public:
  void read(uint16_t offset, uint8_t* data, uint32_t size) override;
  void write(uint16_t offset, const uint8_t* data, uint32_t size) override;
  uint8_t index() const { return index_; }

 private:
  std::mutex mu_;
  uint8_t index_ = 0;
};

}  // namespace ktstr::vm::kvm
