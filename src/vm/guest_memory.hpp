#pragma once
// Guest RAM as a memfd that QEMU maps (share=on) and the host maps too, so
// the channel reader and the monitor read guest memory directly — live and
// after the guest died. A memfd has no name in /dev/shm, so nothing can leak.
#include <cstdint>
#include <span>

#include "util/fd.hpp"
#include "util/mapping.hpp"

namespace ktstr::vm {

class GuestMemory {
 public:
  explicit GuestMemory(uint64_t bytes);

  uint64_t size() const { return size_; }
  int fd() const { return fd_.get(); }
  // Host view of `len` bytes at guest-physical `gpa`, or empty span when the
  // range is not RAM (the microvm hole between 3 and 4 GiB) or out of bounds.
  std::span<uint8_t> at(uint64_t gpa, uint64_t len) const;
  // File offset of a guest-physical address (microvm layout).
  static bool gpa_to_offset(uint64_t gpa, uint64_t ram_bytes, uint64_t* offset);

 private:
  uint64_t size_;
  Fd fd_;
  Mapping map_;
};

}  // namespace ktstr::vm
