#pragma once
// The host -> guest direction: one message (the run request) that the host
// writes into a reserved region of guest RAM before the guest runs on (a
// restored snapshot waits in init for it). Header: magic, length, CRC-32 of
// the payload; the guest accepts it only when all three agree, so stale or
// half-written bytes are never taken for a request.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ktstr::channel {

inline constexpr uint64_t kMailboxMagic = 0x31584f424d54534bull;  // "KSTMBOX1"
inline constexpr size_t kMailboxHeaderSize = 16;
// Prefix of the Stage message guest init publishes once it holds its
// request (either source): the host's "guest ready" mark for start timing.
inline constexpr std::string_view kRequestReceivedStage = "request received";

// Writes header + payload into `region`; false when it does not fit.
bool mailbox_write(std::span<uint8_t> region, std::string_view payload);
// The payload if `region` holds a complete, intact message.
std::optional<std::string> mailbox_read(std::span<const uint8_t> region);
// Zeroes the header so the same bytes are not taken twice.
void mailbox_clear(std::span<uint8_t> region);

}  // namespace ktstr::channel
