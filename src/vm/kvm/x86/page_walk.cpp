#include "vm/kvm/x86/page_walk.hpp"

#include <cstring>

namespace ktstr::vm::kvm {

std::optional<uint64_t> translate(const GuestMemory& mem, uint64_t cr3, uint64_t va) {
  constexpr uint64_t kPresent = 1, kHuge = 0x80, kAddr = 0x000ffffffffff000ull;
  uint64_t table = cr3 & kAddr;
  for (int level = 3; level >= 0; --level) {
    auto e = mem.at(table + ((va >> (12 + 9 * level)) & 511) * 8, 8);
    if (e.empty()) return std::nullopt;
    uint64_t entry;
    std::memcpy(&entry, e.data(), 8);
    if (!(entry & kPresent)) return std::nullopt;
    if (level == 0 || (level <= 2 && (entry & kHuge))) {
      uint64_t page = 1ull << (12 + 9 * level);
      return (entry & kAddr & ~(page - 1)) | (va & (page - 1));
    }
    table = entry & kAddr;
  }
  return std::nullopt;
}

}  // namespace ktstr::vm::kvm
