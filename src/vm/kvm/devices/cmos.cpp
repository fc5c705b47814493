#include "vm/kvm/devices/cmos.hpp"

#include <cstring>

namespace ktstr::vm::kvm {

void Cmos::read(uint16_t offset, uint8_t* data, uint32_t size) {
  std::lock_guard lock(mu_);
  std::memset(data, 0, size);
  if (offset == 0 && size) data[0] = index_;
}

void Cmos::write(uint16_t offset, const uint8_t* data, uint32_t size) {
  std::lock_guard lock(mu_);
  // Bit 7 of the index is the NMI mask; the register number is the rest.
  if (offset == 0 && size) index_ = data[0] & 0x7f;
}

}  // namespace ktstr::vm::kvm
