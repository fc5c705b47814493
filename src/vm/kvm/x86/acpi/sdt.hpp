#pragma once
// Byte-level building of ACPI tables: the common 36-byte header
// (signature, length, revision, checksum, OEM ids), little-endian fields,
// Generic Address Structures, and the checksum that makes a table's bytes
// sum to zero.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ktstr::vm::kvm::acpi {

constexpr std::string_view kOemId = "KTSTR ";       // 6 bytes
constexpr std::string_view kOemTableId = "KTSTRVMM";  // 8 bytes
constexpr std::string_view kCreatorId = "KTST";       // 4 bytes
constexpr size_t kHeaderSize = 36;

// The byte that makes `bytes` (with that byte zero) sum to 0 mod 256.
uint8_t checksum(std::span<const uint8_t> bytes);

class Table {
 public:
  // Starts a table with a header; length and checksum are set by finish().
  Table(std::string_view signature, uint8_t revision);
  // A raw byte stream without header (RSDP, FACS).
  Table() = default;

  Table& u8(uint8_t v);
  Table& u16(uint16_t v);
  Table& u32(uint32_t v);
  Table& u64(uint64_t v);
  Table& bytes(std::string_view s);
  Table& zeros(size_t n);
  // Generic Address Structure in system I/O space.
  Table& gas_io(uint16_t port, uint8_t bit_width, uint8_t access_size);
  Table& gas_none() { return zeros(12); }

  size_t size() const { return b_.size(); }
  std::vector<uint8_t>& data() { return b_; }
  // Fills in length (offset 4) and checksum (offset 9) of a header table.
  std::vector<uint8_t> finish();

 private:
  std::vector<uint8_t> b_;
  bool has_header_ = false;
};

}  // namespace ktstr::vm::kvm::acpi
