#pragma once
// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), zlib-compatible.
// Hand-rolled so the guest side of the channel needs no library.
#include <cstdint>
#include <span>
#include <string_view>

namespace ktstr::channel {

// Continues a running CRC: crc32(b, crc32(a)) == crc32(a ++ b).
uint32_t crc32(std::span<const uint8_t> data, uint32_t crc = 0);
uint32_t crc32(std::string_view data, uint32_t crc = 0);

}  // namespace ktstr::channel
