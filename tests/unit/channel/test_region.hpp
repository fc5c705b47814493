#pragma once
// An 8-byte aligned buffer standing in for the reserved guest RAM.
#include <cstdint>
#include <cstring>
#include <vector>

#include "channel/protocol.hpp"

namespace ktstr::channel::test {

class Region {
 public:
  explicit Region(size_t size) : words_((size + 7) / 8), size_(size) {}
  void* data() { return words_.data(); }
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(words_.data()); }
  size_t size() const { return size_; }
  RingHeader& header() { return *reinterpret_cast<RingHeader*>(words_.data()); }
  // Byte `i` of the data area (not reduced modulo capacity).
  uint8_t* data_at(uint64_t i) { return bytes() + header().data_offset + i; }

 private:
  std::vector<uint64_t> words_;
  size_t size_;
};

inline std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

}  // namespace ktstr::channel::test
