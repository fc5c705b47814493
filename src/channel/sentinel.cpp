#include "channel/sentinel.hpp"

#include <charconv>

#include <fmt/format.h>

#include "channel/base64.hpp"

namespace ktstr::channel {
namespace {

// Longest line a valid sentinel can be; longer partial lines are console
// noise and are discarded so the buffer stays bounded.
constexpr size_t kMaxLine = kSentinelMarker.size() + 64 + (kMaxPayload + 2) / 3 * 4;

template <typename T>
bool parse_number(std::string_view s, T& out, int base) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && end == s.data() + s.size();
}

// Next space-separated field; advances `s` past it.
std::string_view next_field(std::string_view& s) {
  size_t sp = s.find(' ');
  std::string_view f = s.substr(0, sp);
  s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
  return f;
}

}  // namespace

std::string encode_sentinel(MsgType type, uint32_t seq, std::span<const uint8_t> payload) {
  uint32_t crc = message_crc(type, static_cast<uint32_t>(payload.size()), seq, payload);
  return fmt::format("{}{} {} {:08x} {}\n", kSentinelMarker, static_cast<uint16_t>(type), seq, crc,
                     base64_encode(payload));
}

std::string encode_sentinel(const Message& m) { return encode_sentinel(m.type, m.seq, m.payload); }

std::optional<Message> parse_sentinel_line(std::string_view line, std::string* error) {
  size_t at = line.find(kSentinelMarker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at + kSentinelMarker.size());
  while (!rest.empty() && (rest.back() == '\r' || rest.back() == ' ')) rest.remove_suffix(1);

  auto reject = [&](std::string why) -> std::optional<Message> {
    if (error) *error = "sentinel line rejected: " + why;
    return std::nullopt;
  };
  uint16_t type;
  uint32_t seq, crc;
  if (!parse_number(next_field(rest), type, 10)) return reject("bad type field");
  if (!parse_number(next_field(rest), seq, 10)) return reject("bad sequence field");
  std::string_view crc_field = next_field(rest);
  if (crc_field.size() != 8 || !parse_number(crc_field, crc, 16)) return reject("bad crc field");
  // An empty payload leaves the last field empty (trailing space trimmed).
  auto payload = base64_decode(rest);
  if (!payload) return reject("payload is not valid base64");
  if (payload->size() > kMaxPayload) return reject(fmt::format("payload of {} bytes is too large", payload->size()));
  if (type == static_cast<uint16_t>(MsgType::Pad)) return reject("pad messages are not sent over serial");
  uint32_t want = message_crc(static_cast<MsgType>(type), static_cast<uint32_t>(payload->size()), seq, *payload);
  if (want != crc) return reject(fmt::format("crc mismatch (line says {:08x}, payload gives {:08x})", crc, want));
  return Message{static_cast<MsgType>(type), seq, std::move(*payload)};
}

void SentinelParser::parse_into(std::string_view line, std::vector<Message>& out) {
  std::string error;
  if (auto m = parse_sentinel_line(line, &error)) {
    out.push_back(std::move(*m));
  } else if (!error.empty()) {
    ++rejected_;
    errors_.push_back(std::move(error));
  }
}

std::vector<Message> SentinelParser::feed(std::string_view chunk) {
  std::vector<Message> out;
  pending_.append(chunk);
  size_t begin = 0;
  for (size_t nl; (nl = pending_.find('\n', begin)) != std::string::npos; begin = nl + 1)
    parse_into(std::string_view(pending_).substr(begin, nl - begin), out);
  pending_.erase(0, begin);
  if (pending_.size() > kMaxLine) {
    // Too long to be a sentinel line; keep only a marker that may start one.
    // (or the end of the buffer, which may hold the marker's first bytes).
    size_t at = pending_.rfind(kSentinelMarker);
    if (at == std::string::npos || pending_.size() - at > kMaxLine)
      at = pending_.size() - (kSentinelMarker.size() - 1);
    pending_.erase(0, at);
  }
  return out;
}

std::vector<Message> SentinelParser::finish() {
  std::vector<Message> out;
  parse_into(pending_, out);
  pending_.clear();
  return out;
}

}  // namespace ktstr::channel
