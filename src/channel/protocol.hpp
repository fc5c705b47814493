#pragma once
// Wire layout of the host<->guest channel, compiled by both sides.
//
// The guest kernel boots with memmap=<size>$<addr>, hiding a region of guest
// RAM from its allocator. Guest init (the single writer) formats it as a ring
// of records; the host maps the same RAM and reads it live and after the guest
// died. Hence: offsets only (no pointers), fixed-width little-endian fields,
// and a reader that trusts nothing it finds there.
//
//   region: [RingHeader][data area: `data_capacity` bytes of records]
//   record: [MsgHeader][payload][zero padding to 8 bytes]
//
// `head` and `tail` are monotonic byte counts; a record lives at data offset
// `position % data_capacity`. A record never straddles the end of the data
// area: the writer fills the rest with a Pad record (or, when fewer than
// sizeof(MsgHeader) bytes remain, leaves an implicit gap) and wraps to 0.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

namespace ktstr::channel {

static_assert(std::endian::native == std::endian::little, "the channel layout is little-endian");

inline constexpr uint32_t kRingMagic = 0x4752544B;  // "KTRG" in memory order
inline constexpr uint32_t kRingVersion = 1;
inline constexpr uint32_t kMsgMagic = 0x534D544B;   // "KTMS" in memory order

inline constexpr size_t kDefaultRegionSize = 1 << 20;
inline constexpr size_t kMaxPayload = 64 * 1024;
// Small enough for unit tests, large enough that max_payload() stays useful.
inline constexpr size_t kMinCapacity = 1024;

enum class MsgType : uint16_t {
  Pad = 0,          // filler up to the end of the data area; never delivered
  InitStarted = 1,  // text
  Log = 2,          // UTF-8 text
  ExitCode = 3,     // little-endian int32
  Result = 4,       // JSON text
  Event = 5,        // JSON text
  Stage = 6,        // text
  Panic = 7,        // text
  AwaitingRequest = 8,  // init is up and waits for its request in the mailbox (snapshot point)
};

std::string_view type_name(MsgType t);

struct RingHeader {
  uint32_t magic;           // kRingMagic, stored last by format()
  uint32_t version;         // kRingVersion
  uint64_t region_size;     // bytes of the whole region as the guest saw it
  uint64_t data_offset;     // from region start; 8-byte aligned
  uint64_t data_capacity;   // bytes of the data area; multiple of 8
  uint64_t head;            // bytes committed by the writer (guest)
  uint64_t tail;            // bytes consumed by the reader (host)
  uint64_t dropped;         // messages the writer dropped for lack of space
  uint64_t seq;             // next sequence number the writer will assign
};
static_assert(sizeof(RingHeader) == 64 && std::is_standard_layout_v<RingHeader>);

struct MsgHeader {
  uint32_t magic;     // kMsgMagic
  uint16_t type;      // MsgType
  uint16_t flags;     // none defined yet; 0
  uint32_t length;    // payload bytes, excluding header and padding
  uint32_t seq;       // per message, consecutive; 0 for Pad
  uint32_t crc;       // message_crc(type, length, seq, payload)
  uint32_t reserved;  // 0; keeps the payload 8-byte aligned
};
static_assert(sizeof(MsgHeader) == 24 && std::is_standard_layout_v<MsgHeader>);

inline constexpr uint64_t kRecordAlign = 8;
inline constexpr uint64_t kDataOffset = sizeof(RingHeader);

constexpr uint64_t align_up(uint64_t n) { return (n + kRecordAlign - 1) & ~(kRecordAlign - 1); }
constexpr uint64_t record_size(uint64_t payload_len) { return align_up(sizeof(MsgHeader) + payload_len); }

// Largest payload for a ring: one record is at most a quarter of the data
// area, so a record plus the Pad before it always fits into an empty ring.
constexpr size_t max_payload(uint64_t capacity) {
  uint64_t quarter = (capacity / 4) & ~(kRecordAlign - 1);
  if (quarter <= sizeof(MsgHeader)) return 0;
  return static_cast<size_t>(std::min<uint64_t>(kMaxPayload, quarter - sizeof(MsgHeader)));
}

// CRC-32 over type|length|seq (little-endian) followed by the payload. Pad
// records are checked over an empty payload: their filler is never written.
uint32_t message_crc(MsgType type, uint32_t length, uint32_t seq, std::span<const uint8_t> payload);

}  // namespace ktstr::channel
