#pragma once
// Guest RAM as memfds that QEMU maps (share=on) and the host maps too, so
// the channel reader and the monitor read guest memory directly — live and
// after the guest died. A memfd has no name in /dev/shm, so nothing leaks.
// NUMA guests have one backend (memfd) per node, laid end to end.
#include <cstdint>
#include <span>
#include <vector>

#include "util/fd.hpp"
#include "util/mapping.hpp"

namespace ktstr::vm {

class GuestMemory {
 public:
  // `backend_bytes`: sizes of the memory backends in guest-physical order;
  // `low_bytes`: how much RAM sits below the 4 GiB hole (machine-specific),
  // the rest continues at 4 GiB.
  GuestMemory(std::vector<uint64_t> backend_bytes, uint64_t low_bytes);
  // One backend, microvm's 3 GiB split.
  explicit GuestMemory(uint64_t bytes);

  uint64_t size() const { return total_; }
  uint64_t low_bytes() const { return low_; }
  std::vector<int> fds() const;
  // Host view of `len` bytes at guest-physical `gpa`, or an empty span when
  // the range is not RAM (the hole below 4 GiB), out of bounds, or crosses
  // from one backend into the next.
  std::span<uint8_t> at(uint64_t gpa, uint64_t len) const;
  // Guest-physical RAM ranges and where the host maps them: each backend,
  // split where RAM jumps over the hole below 4 GiB. A VMM registers these
  // as its memory slots.
  struct Region {
    uint64_t gpa = 0;
    uint8_t* host = nullptr;
    uint64_t size = 0;
  };
  std::vector<Region> regions() const;
  // Offset into the backends laid end to end.
  static bool gpa_to_offset(uint64_t gpa, uint64_t ram_bytes, uint64_t low_bytes, uint64_t* offset);

 private:
  struct Backend {
    Fd fd;
    Mapping map;
    uint64_t start = 0;  // RAM offset of its first byte
  };
  std::vector<Backend> backends_;
  uint64_t total_ = 0;
  uint64_t low_ = 0;
};

}  // namespace ktstr::vm
