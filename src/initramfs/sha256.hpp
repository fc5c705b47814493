#pragma once
// Self-contained SHA-256 for cache keys: no extra library dependency, and a
// cryptographic hash means two different specs never share a cache file by
// accident (a 64-bit hash over many cached archives would make that thinkable).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ktstr::initramfs {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // Length-prefixed field, so ("ab","c") and ("a","bc") hash differently.
  void field(std::string_view data);
  void field(uint64_t v);
  std::array<uint8_t, 32> digest();  // finalizes; the object is spent afterwards
  std::string hex();                 // lowercase hex of digest()

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

std::string sha256_hex(std::string_view data);

}  // namespace ktstr::initramfs
