// Serial console text (guest-controlled) through the sentinel parser, fed
// in chunks whose sizes come from the input itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "channel/sentinel.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ktstr::channel::SentinelParser p;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t at = 0, step = size ? data[0] % 64 + 1 : 1;
  while (at < text.size()) {
    p.feed(text.substr(at, step));
    at += step;
  }
  p.finish();
  (void)p.take_errors();
  std::string error;
  (void)ktstr::channel::parse_sentinel_line(text, &error);
  return 0;
}
