#include "channel/ring_writer.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "channel/message.hpp"
#include "channel/word_io.hpp"
#include "util/error.hpp"

namespace ktstr::channel {

using detail::load_acquire;
using detail::store_release;

RingWriter RingWriter::format(void* region, size_t size) {
  if (reinterpret_cast<uintptr_t>(region) % kRecordAlign != 0)
    fail("channel: region at {} is not 8-byte aligned", region);
  if (size < kDataOffset + kMinCapacity)
    fail("channel: region of {} bytes is too small (need at least {})", size, kDataOffset + kMinCapacity);

  auto* h = static_cast<RingHeader*>(region);
  uint64_t capacity = (size - kDataOffset) & ~(kRecordAlign - 1);
  // Clear the magic first so a reader never sees the old magic with a
  // half-written geometry; publish the new magic last.
  store_release(h->magic, 0u);
  store_release(h->region_size, size);
  store_release(h->data_offset, kDataOffset);
  store_release(h->data_capacity, capacity);
  store_release(h->head, 0);
  store_release(h->tail, 0);
  store_release(h->dropped, 0);
  store_release(h->seq, 0);
  store_release(h->version, kRingVersion);
  store_release(h->magic, kRingMagic);
  return RingWriter(h, static_cast<uint8_t*>(region) + kDataOffset, capacity);
}

bool RingWriter::publish(MsgType type, std::span<const uint8_t> payload,
                         std::chrono::milliseconds wait_for_space) {
  if (payload.size() > max_payload())
    fail("channel: {} message of {} bytes exceeds the {}-byte limit", type_name(type), payload.size(),
         max_payload());

  uint64_t rec = record_size(payload.size());
  uint64_t to_end = capacity_ - head_ % capacity_;
  uint64_t pad = rec > to_end ? to_end : 0;  // records never straddle the end
  if (!this->wait_for_space(pad + rec, wait_for_space)) {
    store_release(header_->dropped, ++dropped_);
    return false;
  }

  if (pad >= sizeof(MsgHeader))  // smaller gaps are skipped implicitly
    write_record(head_ % capacity_, MsgType::Pad, 0, {}, static_cast<uint32_t>(pad - sizeof(MsgHeader)));
  head_ += pad;
  auto seq = static_cast<uint32_t>(seq_++);
  write_record(head_ % capacity_, type, seq, payload, static_cast<uint32_t>(payload.size()));
  head_ += rec;

  // Commit: record bytes must be visible before the head that covers them.
  std::atomic_thread_fence(std::memory_order_release);
  store_release(header_->seq, seq_);
  store_release(header_->head, head_);
  return true;
}

void RingWriter::resync() {
  head_ = load_acquire(header_->head);
  seq_ = load_acquire(header_->seq);
  dropped_ = load_acquire(header_->dropped);
}

bool RingWriter::publish_text(MsgType type, std::string_view text, std::chrono::milliseconds wait_for_space) {
  return publish(type, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()), wait_for_space);
}

bool RingWriter::publish_exit_code(int32_t code, std::chrono::milliseconds wait_for_space) {
  return publish(MsgType::ExitCode, encode_exit_code(code), wait_for_space);
}

bool RingWriter::wait_for_space(uint64_t bytes, std::chrono::milliseconds wait) const {
  auto deadline = std::chrono::steady_clock::now() + wait;
  auto nap = std::chrono::microseconds(50);
  for (;;) {
    uint64_t tail = load_acquire(header_->tail);
    // A tail beyond head would be a host bug; treat it as "all consumed".
    uint64_t used = head_ - std::min(tail, head_);
    if (used <= capacity_ && capacity_ - used >= bytes) return true;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(nap, deadline - now));
    nap = std::min(nap * 2, std::chrono::microseconds(2000));
  }
}

void RingWriter::write_record(uint64_t position, MsgType type, uint32_t seq, std::span<const uint8_t> payload,
                              uint32_t length) {
  MsgHeader h{};
  h.magic = kMsgMagic;
  h.type = static_cast<uint16_t>(type);
  h.length = length;
  h.seq = seq;
  h.crc = message_crc(type, length, seq, payload);
  uint8_t* at = data_ + position;
  // Pad payload is never written (and not covered by its CRC): only the
  // header needs to land, whatever its length.
  detail::store_words(at + sizeof h, payload.data(), payload.size());
  detail::store_words(at, &h, sizeof h);
}

}  // namespace ktstr::channel
