#pragma once
// Guest side of the ring: the single writer (guest init, PID 1).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "channel/protocol.hpp"

namespace ktstr::channel {

class RingWriter {
 public:
  // Initialises the header of `region` (8-byte aligned, `size` bytes) and
  // returns a writer for it. Done once by the guest; throws ktstr::Error if
  // the region is misaligned or too small.
  static RingWriter format(void* region, size_t size);

  // Appends one message. If the host has not yet freed enough space, polls
  // `tail` for up to `wait_for_space`; then gives up, counts the message in
  // the header's `dropped` and returns false. Throws ktstr::Error if the
  // payload exceeds max_payload() (a caller bug, not a full ring).
  bool publish(MsgType type, std::span<const uint8_t> payload, std::chrono::milliseconds wait_for_space);
  bool publish_text(MsgType type, std::string_view text, std::chrono::milliseconds wait_for_space);
  bool publish_exit_code(int32_t code, std::chrono::milliseconds wait_for_space);

  // Several guest processes may write one after another (PID 1, then a
  // forked child, then PID 1 again), never concurrently; each reloads the
  // shared cursor state before writing. The header is guest memory, so the
  // guest may trust it; only the host reader must not.
  void resync();
  // Sequence number the next published message will carry.
  uint32_t next_seq() const { return static_cast<uint32_t>(seq_); }

  uint64_t capacity() const { return capacity_; }
  size_t max_payload() const { return channel::max_payload(capacity_); }
  uint64_t dropped() const { return dropped_; }
  uint64_t head() const { return head_; }

 private:
  RingWriter(RingHeader* header, uint8_t* data, uint64_t capacity)
      : header_(header), data_(data), capacity_(capacity) {}
  bool wait_for_space(uint64_t bytes, std::chrono::milliseconds wait) const;
  void write_record(uint64_t position, MsgType type, uint32_t seq, std::span<const uint8_t> payload,
                    uint32_t length);

  RingHeader* header_;
  uint8_t* data_;
  uint64_t capacity_;
  // Private copies: the single writer is their only source of truth, so a
  // host scribbling on the header cannot derail the writer.
  uint64_t head_ = 0;
  uint64_t seq_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace ktstr::channel
