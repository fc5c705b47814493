// The channel ring as guest memory the guest may have scribbled on: the
// input is the region, polled like the host does (live and post-mortem).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "channel/ring_reader.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint64_t> region((size + 7) / 8 + 1);  // 8-byte aligned copy
  std::memcpy(region.data(), data, size);
  try {
    ktstr::channel::RingReader live(region.data(), size, /*update_tail=*/true);
    for (int i = 0; i < 3 && live.attached(); ++i) (void)live.poll();
    ktstr::channel::RingReader post(region.data(), size, /*update_tail=*/false);
    (void)post.poll();
    (void)post.writer_dropped();
  } catch (const ktstr::Error&) {
    // Only the constructor may refuse (a region too small for a header).
  }
  return 0;
}
