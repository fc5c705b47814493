#include "channel/mailbox.hpp"

#include <cstring>

#include "channel/crc32.hpp"

namespace ktstr::channel {
namespace {
struct Header {
  uint64_t magic;
  uint32_t length;
  uint32_t crc;
};
static_assert(sizeof(Header) == kMailboxHeaderSize);
}  // namespace

bool mailbox_write(std::span<uint8_t> region, std::string_view payload) {
  if (region.size() < kMailboxHeaderSize || payload.size() > region.size() - kMailboxHeaderSize) return false;
  Header h{kMailboxMagic, static_cast<uint32_t>(payload.size()), crc32(payload)};
  std::memcpy(region.data() + kMailboxHeaderSize, payload.data(), payload.size());
  std::memcpy(region.data(), &h, sizeof h);
  return true;
}

std::optional<std::string> mailbox_read(std::span<const uint8_t> region) {
  if (region.size() < kMailboxHeaderSize) return std::nullopt;
  Header h;
  std::memcpy(&h, region.data(), sizeof h);
  if (h.magic != kMailboxMagic || h.length > region.size() - kMailboxHeaderSize) return std::nullopt;
  std::string payload(reinterpret_cast<const char*>(region.data()) + kMailboxHeaderSize, h.length);
  if (crc32(payload) != h.crc) return std::nullopt;
  return payload;
}

void mailbox_clear(std::span<uint8_t> region) {
  if (region.size() >= kMailboxHeaderSize) std::memset(region.data(), 0, kMailboxHeaderSize);
}

}  // namespace ktstr::channel
