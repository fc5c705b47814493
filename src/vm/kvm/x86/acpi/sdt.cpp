#include "vm/kvm/x86/acpi/sdt.hpp"

#include "util/error.hpp"

namespace ktstr::vm::kvm::acpi {

uint8_t checksum(std::span<const uint8_t> bytes) {
  uint8_t sum = 0;
  for (uint8_t b : bytes) sum = static_cast<uint8_t>(sum + b);
  return static_cast<uint8_t>(-sum);
}

Table::Table(std::string_view sig, uint8_t revision) : has_header_(true) {
  if (sig.size() != 4) fail("ACPI signature '{}' is not 4 bytes", sig);
  bytes(sig).u32(0).u8(revision).u8(0).bytes(kOemId).bytes(kOemTableId).u32(1).bytes(kCreatorId).u32(1);
}

Table& Table::u8(uint8_t v) {
  b_.push_back(v);
  return *this;
}
Table& Table::u16(uint16_t v) { return u8(static_cast<uint8_t>(v)).u8(static_cast<uint8_t>(v >> 8)); }
Table& Table::u32(uint32_t v) { return u16(static_cast<uint16_t>(v)).u16(static_cast<uint16_t>(v >> 16)); }
Table& Table::u64(uint64_t v) { return u32(static_cast<uint32_t>(v)).u32(static_cast<uint32_t>(v >> 32)); }
Table& Table::bytes(std::string_view s) {
  b_.insert(b_.end(), s.begin(), s.end());
  return *this;
}
Table& Table::zeros(size_t n) {
  b_.insert(b_.end(), n, 0);
  return *this;
}
Table& Table::gas_io(uint16_t port, uint8_t bit_width, uint8_t access_size) {
  constexpr uint8_t kSystemIo = 1;
  return u8(kSystemIo).u8(bit_width).u8(0).u8(access_size).u64(port);
}

std::vector<uint8_t> Table::finish() {
  if (has_header_) {
    uint32_t len = static_cast<uint32_t>(b_.size());
    for (int i = 0; i < 4; ++i) b_[4 + i] = static_cast<uint8_t>(len >> (8 * i));
    b_[9] = 0;
    b_[9] = checksum(b_);
  }
  return b_;
}

}  // namespace ktstr::vm::kvm::acpi
