#include "vm/guest_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

#include "util/error.hpp"
#include "vm/layout.hpp"

namespace ktstr::vm {

GuestMemory::GuestMemory(std::vector<uint64_t> backend_bytes, uint64_t low_bytes) {
  if (backend_bytes.empty()) fail("guest memory needs at least one backend");
  for (uint64_t bytes : backend_bytes) {
    Backend b;
    b.fd.reset(::memfd_create("ktstr-guest-ram", MFD_CLOEXEC));
    if (!b.fd) fail_errno("memfd_create for guest RAM");
    if (::ftruncate(b.fd.get(), static_cast<off_t>(bytes)) != 0)
      fail_errno(fmt::format("size guest RAM memfd to {} MiB", bytes >> 20));
    b.map = Mapping::map_fd(b.fd.get(), bytes);
    b.start = total_;
    total_ += bytes;
    backends_.push_back(std::move(b));
  }
  low_ = std::min(low_bytes, total_);
}

GuestMemory::GuestMemory(uint64_t bytes) : GuestMemory(std::vector<uint64_t>{bytes}, layout::kLowMemLimit) {}

std::vector<int> GuestMemory::fds() const {
  std::vector<int> out;
  for (const auto& b : backends_) out.push_back(b.fd.get());
  return out;
}

bool GuestMemory::gpa_to_offset(uint64_t gpa, uint64_t ram_bytes, uint64_t low_bytes, uint64_t* offset) {
  uint64_t low = std::min(ram_bytes, low_bytes);
  if (gpa < low) {
    *offset = gpa;
    return true;
  }
  if (gpa >= layout::kHighMemStart && gpa - layout::kHighMemStart < ram_bytes - low) {
    *offset = gpa - layout::kHighMemStart + low;
    return true;
  }
  return false;
}

std::vector<GuestMemory::Region> GuestMemory::regions() const {
  std::vector<Region> out;
  for (const auto& b : backends_) {
    uint64_t off = b.start, end = b.start + b.map.size();
    uint8_t* host = b.map.data();
    if (off < low_) {  // the part below the hole
      uint64_t n = std::min(end, low_) - off;
      out.push_back({off, host, n});
      off += n;
      host += n;
    }
    if (off < end) out.push_back({off - low_ + layout::kHighMemStart, host, end - off});
  }
  return out;
}

std::span<uint8_t> GuestMemory::at(uint64_t gpa, uint64_t len) const {
  uint64_t off = 0;
  if (len == 0 || !gpa_to_offset(gpa, total_, low_, &off)) return {};
  uint64_t last = 0;
  if (!gpa_to_offset(gpa + len - 1, total_, low_, &last) || last != off + len - 1) return {};
  for (const auto& b : backends_) {
    uint64_t size = b.map.size();
    if (off >= b.start && off - b.start < size) {
      if (off - b.start + len > size) return {};
      return {b.map.data() + (off - b.start), len};
    }
  }
  return {};
}

}  // namespace ktstr::vm
