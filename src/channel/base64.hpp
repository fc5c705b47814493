#pragma once
// Standard base64 (RFC 4648, '=' padding) for the serial sentinel lines.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr::channel {

std::string base64_encode(std::span<const uint8_t> data);
// Strict: nullopt on any character outside the alphabet, bad length or bad
// padding, so a mangled console line is rejected rather than half-decoded.
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace ktstr::channel
