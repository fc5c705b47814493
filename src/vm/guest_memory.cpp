#include "vm/guest_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include "util/error.hpp"
#include "vm/layout.hpp"

namespace ktstr::vm {

GuestMemory::GuestMemory(uint64_t bytes) : size_(bytes) {
  fd_.reset(::memfd_create("ktstr-guest-ram", MFD_CLOEXEC));
  if (!fd_) fail_errno("memfd_create for guest RAM");
  if (::ftruncate(fd_.get(), static_cast<off_t>(bytes)) != 0)
    fail_errno(fmt::format("size guest RAM memfd to {} MiB", bytes >> 20));
  map_ = Mapping::map_fd(fd_.get(), bytes);
}

bool GuestMemory::gpa_to_offset(uint64_t gpa, uint64_t ram_bytes, uint64_t* offset) {
  uint64_t low = ram_bytes < layout::kLowMemLimit ? ram_bytes : layout::kLowMemLimit;
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

std::span<uint8_t> GuestMemory::at(uint64_t gpa, uint64_t len) const {
  uint64_t off = 0;
  if (!gpa_to_offset(gpa, size_, &off)) return {};
  uint64_t last = 0;
  if (len && (!gpa_to_offset(gpa + len - 1, size_, &last) || last != off + len - 1)) return {};
  return {map_.data() + off, len};
}

}  // namespace ktstr::vm
