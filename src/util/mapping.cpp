#include "util/mapping.hpp"

#include "util/error.hpp"

namespace ktstr {

Mapping Mapping::map_fd(int fd, size_t len, off_t offset, bool writable) {
  int prot = PROT_READ | (writable ? PROT_WRITE : 0);
  void* p = ::mmap(nullptr, len, prot, MAP_SHARED, fd, offset);
  if (p == MAP_FAILED) fail_errno(fmt::format("mmap {} bytes at offset {:#x}", len, offset));
  return Mapping(p, len);
}

}  // namespace ktstr
