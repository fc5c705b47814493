#include "channel/ring_reader.hpp"

#include <algorithm>

#include "channel/word_io.hpp"
#include "util/error.hpp"

namespace ktstr::channel {

using detail::load_acquire;

RingReader::RingReader(void* region, size_t size, bool update_tail)
    : region_(static_cast<uint8_t*>(region)), size_(size), update_tail_(update_tail) {
  if (!region || reinterpret_cast<uintptr_t>(region) % kRecordAlign != 0)
    fail("channel: region at {} is not 8-byte aligned", region);
  if (size < sizeof(RingHeader)) fail("channel: region of {} bytes cannot hold the ring header", size);
}

std::optional<RingReader::Geometry> RingReader::geometry(std::string* why) const {
  const RingHeader& h = header();
  auto bad = [&](std::string msg) -> std::optional<Geometry> {
    if (why) *why = "channel header invalid: " + msg;
    return std::nullopt;
  };
  uint32_t magic = load_acquire(h.magic);
  if (magic == 0) return std::nullopt;  // not formatted yet: no error
  if (magic != kRingMagic) return bad(fmt::format("magic {:#010x}, expected {:#010x}", magic, kRingMagic));
  uint32_t version = load_acquire(h.version);
  if (version != kRingVersion) return bad(fmt::format("version {}, expected {}", version, kRingVersion));
  Geometry g{load_acquire(h.data_offset), load_acquire(h.data_capacity)};
  if (g.data_offset < sizeof(RingHeader) || g.data_offset % kRecordAlign != 0)
    return bad(fmt::format("data offset {} is not an aligned offset past the header", g.data_offset));
  if (g.capacity < kMinCapacity || g.capacity % kRecordAlign != 0)
    return bad(fmt::format("data capacity {} is not a multiple of 8 of at least {}", g.capacity, kMinCapacity));
  // Written so it cannot overflow whatever the fields hold.
  if (g.data_offset > size_ || g.capacity > size_ - g.data_offset)
    return bad(fmt::format("data area [{}, +{}) exceeds the {}-byte region", g.data_offset, g.capacity, size_));
  return g;
}

bool RingReader::attached() const { return geometry(nullptr).has_value(); }

uint64_t RingReader::writer_dropped() const { return attached() ? load_acquire(header().dropped) : 0; }

ReadBatch RingReader::poll() {
  ReadBatch batch;
  current_errors_.clear();
  read_available(batch);
  previous_errors_.swap(current_errors_);
  return batch;
}

void RingReader::read_available(ReadBatch& batch) {
  std::string why;
  auto g = geometry(&why);
  if (!g || (geometry_ && *g != *geometry_)) {
    if (g)
      why = fmt::format("channel header geometry changed (data offset {} -> {}, capacity {} -> {}); "
                        "the guest re-formatted or corrupted it",
                        geometry_->data_offset, g->data_offset, geometry_->capacity, g->capacity);
    if (!why.empty()) report(batch, why);  // empty: not formatted yet
    stalled_ = !why.empty();
    return;
  }
  uint64_t head = load_acquire(header().head);
  if (head % kRecordAlign != 0) {  // records are aligned, so is every valid head
    report(batch, fmt::format("channel head {} is not 8-byte aligned", head));
    stalled_ = true;
    return;
  }
  if (!geometry_) {
    geometry_ = g;
    start(batch, head);
  }
  if (head < cursor_) {
    report(batch, fmt::format("channel head {} moved behind the read position {}", head, cursor_));
    stalled_ = true;
    return;
  }
  uint64_t before = cursor_;
  if (head - cursor_ > geometry_->capacity) resync(batch, head);
  while (cursor_ < head && read_record(batch, head)) {
  }
  stalled_ = cursor_ != head;
  // Give the space back to a live writer; release orders our reads first.
  if (update_tail_ && cursor_ != before) detail::store_release(header().tail, cursor_);
}

// First attach: begin where the previous reader (if any) stopped.
void RingReader::start(ReadBatch& batch, uint64_t head) {
  uint64_t tail = load_acquire(header().tail);
  if (tail % kRecordAlign == 0 && tail <= head && head - tail <= geometry_->capacity) {
    cursor_ = tail;
    return;
  }
  // Garbage tail: if the writer never wrapped, offset 0 is a record boundary.
  cursor_ = head <= geometry_->capacity ? 0 : head;
  report(batch, fmt::format("channel tail {} is inconsistent with head {}; reading from {}", tail, head, cursor_));
}

// The writer got more than a ring ahead. It never overwrites bytes at or past
// `tail`, and tail always sits on a record boundary, so tail is the oldest
// intact record; without a usable tail, skip to head.
void RingReader::resync(ReadBatch& batch, uint64_t head) {
  uint64_t tail = load_acquire(header().tail);
  bool tail_ok = tail % kRecordAlign == 0 && tail > cursor_ && tail <= head && head - tail <= geometry_->capacity;
  uint64_t target = tail_ok ? tail : head;
  batch.lost_bytes += target - cursor_;
  report(batch, fmt::format("channel writer lapped the reader: {} unread bytes lost, resuming at {}",
                            target - cursor_, target));
  cursor_ = target;
  expected_seq_.reset();
}

bool RingReader::read_record(ReadBatch& batch, uint64_t head) {
  const uint64_t cap = geometry_->capacity;
  const uint64_t pos = cursor_ % cap;
  const uint64_t to_end = cap - pos;
  const uint64_t avail = head - cursor_;
  const uint8_t* at = region_ + geometry_->data_offset + pos;

  if (to_end < sizeof(MsgHeader)) {  // implicit gap before the wrap
    if (avail < to_end) return corrupt(batch, "head points into the gap before the wrap");
    cursor_ += to_end;
    return true;
  }
  if (avail < sizeof(MsgHeader))
    return corrupt(batch, fmt::format("only {} bytes before head, less than a record header", avail));

  MsgHeader h;
  detail::load_words(&h, at, sizeof h);
  if (h.magic != kMsgMagic) return corrupt(batch, fmt::format("bad magic {:#010x}", h.magic));
  const auto type = static_cast<MsgType>(h.type);
  uint64_t rec;
  if (type == MsgType::Pad) {
    if (h.length != to_end - sizeof(MsgHeader))
      return corrupt(batch, fmt::format("pad length {} does not reach the end of the data area ({} bytes left)",
                                        h.length, to_end - sizeof(MsgHeader)));
    rec = to_end;
  } else {
    if (h.length > max_payload(cap))
      return corrupt(batch, fmt::format("length {} exceeds the maximum payload {}", h.length, max_payload(cap)));
    rec = record_size(h.length);
    if (rec > to_end)
      return corrupt(batch, fmt::format("record of {} bytes straddles the end of the data area", rec));
  }
  if (rec > avail)
    return corrupt(batch, fmt::format("record of {} bytes extends past head ({} bytes committed)", rec, avail));

  std::vector<uint8_t> payload;
  if (type != MsgType::Pad) {
    payload.resize(h.length);
    detail::load_words(payload.data(), at + sizeof h, h.length);
  }
  uint32_t crc = message_crc(type, h.length, h.seq, payload);
  if (crc != h.crc)
    return corrupt(batch, fmt::format("crc mismatch (stored {:#010x}, computed {:#010x})", h.crc, crc));

  if (type != MsgType::Pad) {
    // A valid record with the wrong sequence is stale data from an earlier
    // lap: head was advanced over bytes that were never rewritten.
    if (expected_seq_ && h.seq != *expected_seq_)
      return corrupt(batch, fmt::format("sequence {} where {} was expected", h.seq, *expected_seq_));
    expected_seq_ = h.seq + 1;
    batch.messages.push_back(Message{type, h.seq, std::move(payload)});
  }
  cursor_ += rec;
  return true;
}

bool RingReader::corrupt(ReadBatch& batch, const std::string& what) {
  uint64_t offset = geometry_->data_offset + cursor_ % geometry_->capacity;
  report(batch, fmt::format("corrupt record at offset {:#x} (stream byte {}): {}", offset, cursor_, what));
  return false;
}

void RingReader::report(ReadBatch& batch, std::string error) {
  if (std::find(previous_errors_.begin(), previous_errors_.end(), error) == previous_errors_.end())
    batch.errors.push_back(error);
  current_errors_.push_back(std::move(error));
}

}  // namespace ktstr::channel
