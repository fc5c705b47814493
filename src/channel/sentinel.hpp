#pragma once
// Serial-console fallback for the channel: one message per text line,
//   KTSTR-MSG <type> <seq> <crc32 hex> <base64 payload>\n
// with the same CRC as ring records. Used when the shared-memory ring is
// unavailable; the console also carries kernel and program output, so the
// parser picks sentinel lines out of arbitrary text and checks each one.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channel/message.hpp"

namespace ktstr::channel {

inline constexpr std::string_view kSentinelMarker = "KTSTR-MSG ";

// The full line including the trailing '\n'.
std::string encode_sentinel(MsgType type, uint32_t seq, std::span<const uint8_t> payload);
std::string encode_sentinel(const Message& m);

// Parses one line (without '\n'; a trailing '\r' and text before the marker
// are ignored). nullopt if it holds no marker; throws nothing: a line with a
// marker that fails to parse yields nullopt and sets *error.
std::optional<Message> parse_sentinel_line(std::string_view line, std::string* error);

class SentinelParser {
 public:
  // Feeds console output in arbitrary chunks; returns messages from lines
  // completed by this chunk. A partial last line is kept for the next feed.
  std::vector<Message> feed(std::string_view chunk);
  // Parses a final line that never got its '\n' (console closed mid-line).
  std::vector<Message> finish();
  // Descriptions of rejected sentinel lines since the last call.
  std::vector<std::string> take_errors() { return std::exchange(errors_, {}); }
  uint64_t rejected() const { return rejected_; }

 private:
  void parse_into(std::string_view line, std::vector<Message>& out);

  std::string pending_;
  std::vector<std::string> errors_;
  uint64_t rejected_ = 0;
};

}  // namespace ktstr::channel
