#pragma once
// Guest-physical memory as the monitor sees it: an interface so address
// translation can be unit-tested on a synthetic image, with the adapter
// for a live VM's memfd-backed RAM.
#include <cstdint>
#include <span>
#include <vector>

#include "vm/guest_memory.hpp"

namespace ktstr::monitor {

class PhysMemory {
 public:
  virtual ~PhysMemory() = default;
  // Host view of [pa, pa+len), or empty when any of it is not RAM.
  virtual std::span<uint8_t> at(uint64_t pa, uint64_t len) const = 0;
  // Bytes of RAM (not the highest address: RAM may have holes).
  virtual uint64_t size() const = 0;
};

class GuestPhysMemory final : public PhysMemory {
 public:
  explicit GuestPhysMemory(const vm::GuestMemory& m) : m_(m) {}
  std::span<uint8_t> at(uint64_t pa, uint64_t len) const override { return m_.at(pa, len); }
  uint64_t size() const override { return m_.size(); }

 private:
  const vm::GuestMemory& m_;
};

// RAM as one host buffer at guest-physical 0 (tests, offline images).
class BufferPhysMemory final : public PhysMemory {
 public:
  explicit BufferPhysMemory(uint64_t bytes) : buf_(bytes) {}
  std::span<uint8_t> at(uint64_t pa, uint64_t len) const override {
    if (len == 0 || pa > buf_.size() || len > buf_.size() - pa) return {};
    return {const_cast<uint8_t*>(buf_.data()) + pa, len};
  }
  uint64_t size() const override { return buf_.size(); }
  std::vector<uint8_t>& bytes() { return buf_; }

 private:
  std::vector<uint8_t> buf_;
};

}  // namespace ktstr::monitor
