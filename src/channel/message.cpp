#include "channel/message.hpp"

#include <cstring>

namespace ktstr::channel {

std::string Message::text() const { return std::string(payload.begin(), payload.end()); }

std::optional<int32_t> Message::exit_code() const {
  if (type != MsgType::ExitCode || payload.size() != sizeof(int32_t)) return std::nullopt;
  int32_t code;
  std::memcpy(&code, payload.data(), sizeof code);  // little-endian, as is the layout
  return code;
}

std::vector<uint8_t> encode_exit_code(int32_t code) {
  std::vector<uint8_t> out(sizeof code);
  std::memcpy(out.data(), &code, sizeof code);
  return out;
}

}  // namespace ktstr::channel
