#pragma once
// Host side of the ring: reads what the guest published, live or after the
// guest died. The region is guest memory, so nothing in it is trusted: every
// offset is bounds-checked and problems are reported, never crashed on.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "channel/message.hpp"
#include "channel/protocol.hpp"

namespace ktstr::channel {

struct ReadBatch {
  std::vector<Message> messages;    // in publish order; Pad records are skipped
  std::vector<std::string> errors;  // human-readable; each distinct problem once
  uint64_t lost_bytes = 0;          // overwritten by the writer before we read them

  bool empty() const { return messages.empty() && errors.empty() && lost_bytes == 0; }
};

class RingReader {
 public:
  // `region` must be 8-byte aligned (throws ktstr::Error otherwise). With
  // update_tail = false the reader never writes to the region: use it for
  // post-mortem reads or read-only mappings.
  RingReader(void* region, size_t size, bool update_tail = true);

  // True once the guest has formatted the region with a valid header.
  bool attached() const;

  // Returns every complete message between the cursor and the writer's head.
  // Stops at the first corrupt record (reported in `errors`); later polls
  // stay stuck there without repeating the error.
  ReadBatch poll();

  // Messages the writer dropped because the ring was full (0 if unattached).
  uint64_t writer_dropped() const;
  // Stream position (bytes) up to which records were consumed.
  uint64_t cursor() const { return cursor_; }
  // True if the last poll stopped short of the writer's head (corrupt
  // record or invalid header).
  bool stalled() const { return stalled_; }

 private:
  struct Geometry {
    uint64_t data_offset = 0;
    uint64_t capacity = 0;
    bool operator==(const Geometry&) const = default;
  };

  RingHeader& header() const { return *reinterpret_cast<RingHeader*>(region_); }
  std::optional<Geometry> geometry(std::string* why) const;
  void read_available(ReadBatch& batch);
  void start(ReadBatch& batch, uint64_t head);
  void resync(ReadBatch& batch, uint64_t head);
  bool read_record(ReadBatch& batch, uint64_t head);
  bool corrupt(ReadBatch& batch, const std::string& what);
  void report(ReadBatch& batch, std::string error);

  uint8_t* region_;
  size_t size_;
  bool update_tail_;
  std::optional<Geometry> geometry_;  // fixed when first attached
  uint64_t cursor_ = 0;
  std::optional<uint32_t> expected_seq_;
  bool stalled_ = false;
  // Errors of the previous and current poll, to report each problem once.
  std::vector<std::string> previous_errors_, current_errors_;
};

}  // namespace ktstr::channel
