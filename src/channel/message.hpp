#pragma once
// A decoded channel message, the same whichever transport carried it
// (shared-memory ring or serial sentinel line).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "channel/protocol.hpp"

namespace ktstr::channel {

struct Message {
  MsgType type = MsgType::Log;
  uint32_t seq = 0;
  std::vector<uint8_t> payload;

  // Payload as text (Log, Stage, Panic, and JSON for Result/Event).
  std::string text() const;
  // The exit code for an ExitCode message with a 4-byte payload.
  std::optional<int32_t> exit_code() const;
};

// Payload of an ExitCode message.
std::vector<uint8_t> encode_exit_code(int32_t code);

}  // namespace ktstr::channel
