#include "channel/protocol.hpp"

#include <array>
#include <cstring>

#include "channel/crc32.hpp"

namespace ktstr::channel {

std::string_view type_name(MsgType t) {
  switch (t) {
    case MsgType::Pad: return "pad";
    case MsgType::InitStarted: return "init-started";
    case MsgType::Log: return "log";
    case MsgType::ExitCode: return "exit-code";
    case MsgType::Result: return "result";
    case MsgType::Event: return "event";
    case MsgType::Stage: return "stage";
    case MsgType::Panic: return "panic";
    case MsgType::AwaitingRequest: return "awaiting-request";
  }
  return "unknown";
}

uint32_t message_crc(MsgType type, uint32_t length, uint32_t seq, std::span<const uint8_t> payload) {
  std::array<uint8_t, 10> fields{};
  auto t = static_cast<uint16_t>(type);
  std::memcpy(&fields[0], &t, 2);
  std::memcpy(&fields[2], &length, 4);
  std::memcpy(&fields[6], &seq, 4);
  return crc32(payload, crc32(fields));
}

}  // namespace ktstr::channel
