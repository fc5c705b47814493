#include "monitor/address_space.hpp"

#include <cstring>

namespace ktstr::monitor {
namespace {

constexpr uint64_t kPageSize = 4096;
constexpr uint64_t kPhysMask = 0x000ffffffffff000ull;  // bits 12..51 of an entry
constexpr uint64_t kPresent = 1ull << 0;
constexpr uint64_t kHuge = 1ull << 7;  // PSE: 1 GiB at the PUD level, 2 MiB at the PMD level

}  // namespace

bool AddressSpace::canonical(uint64_t va) const {
  int bits = l_.five_level ? 57 : 48;
  int64_t top = static_cast<int64_t>(va) >> (bits - 1);
  return top == 0 || top == -1;
}

Expected<uint64_t> AddressSpace::walk(uint64_t va) const {
  if (!canonical(va)) return unexpected("address {:#x} is not canonical", va);
  if (!l_.top_pgt_pa) return unexpected("no page-table root to walk for {:#x}", va);
  int level = l_.five_level ? 5 : 4;
  int shift = l_.five_level ? 48 : 39;
  uint64_t table = l_.top_pgt_pa;
  for (; level >= 1; --level, shift -= 9) {
    uint64_t idx = (va >> shift) & 511;
    auto slot = mem_.at(table + idx * 8, 8);
    if (slot.empty()) return unexpected("page table at PA {:#x} (level {}) is outside guest RAM", table, level);
    uint64_t e;
    std::memcpy(&e, slot.data(), 8);
    if (!(e & kPresent)) return unexpected("{:#x} is not mapped (level {} entry {:#x})", va, level, e);
    if ((level == 3 || level == 2) && (e & kHuge)) {
      uint64_t size = 1ull << shift;
      return (e & kPhysMask & ~(size - 1)) + (va & (size - 1));
    }
    if (level == 1) return (e & kPhysMask) + (va & (kPageSize - 1));
    table = e & kPhysMask;
  }
  return unexpected("page walk for {:#x} fell through", va);
}

Expected<uint64_t> AddressSpace::to_phys(uint64_t va) const {
  if (!canonical(va)) return unexpected("address {:#x} is not canonical", va);
  uint64_t pa;
  uint64_t direct_size = l_.five_level ? (1ull << 52) : (1ull << 46);
  if (va >= kStartKernelMap && va < l_.image_end) {
    pa = va - kStartKernelMap + l_.phys_base;
  } else if (l_.page_offset_base && va >= l_.page_offset_base && va - l_.page_offset_base < direct_size) {
    pa = va - l_.page_offset_base;
  } else {
    auto w = walk(va);
    if (!w) return w;
    pa = *w;
  }
  if (mem_.at(pa, 1).empty()) return unexpected("{:#x} translates to PA {:#x}, which is not guest RAM", va, pa);
  return pa;
}

Expected<std::span<uint8_t>> AddressSpace::span(uint64_t va, uint64_t len) const {
  if (len == 0) return unexpected("empty access at {:#x}", va);
  if (va + len < va) return unexpected("access at {:#x} (+{}) wraps around", va, len);
  auto pa = to_phys(va);
  if (!pa) return unexpected("{}", pa.error());
  bool one_page = (va & (kPageSize - 1)) + len <= kPageSize;
  bool linear = (va >= kStartKernelMap && va + len <= l_.image_end) ||
                (l_.page_offset_base && va >= l_.page_offset_base && va < kStartKernelMap &&
                 va + len - l_.page_offset_base < (l_.five_level ? (1ull << 52) : (1ull << 46)));
  if (!one_page && !linear) return unexpected("access at {:#x} (+{}) crosses a page of a paged mapping", va, len);
  auto s = mem_.at(*pa, len);
  if (s.empty()) return unexpected("{:#x} (+{}) → PA {:#x} runs outside guest RAM", va, len, *pa);
  return s;
}

bool AddressSpace::read(uint64_t va, void* dst, uint64_t len, std::string* err) const {
  auto* out = static_cast<uint8_t*>(dst);
  while (len) {
    uint64_t chunk = std::min(len, kPageSize - (va & (kPageSize - 1)));
    auto s = span(va, chunk);
    if (!s) {
      if (err) *err = s.error();
      return false;
    }
    std::memcpy(out, s->data(), chunk);
    out += chunk;
    va += chunk;
    len -= chunk;
  }
  return true;
}

bool AddressSpace::write(uint64_t va, const void* src, uint64_t len, std::string* err) const {
  const auto* in = static_cast<const uint8_t*>(src);
  // Translate every page first so a failure writes nothing.
  for (uint64_t off = 0; off < len;) {
    uint64_t chunk = std::min(len - off, kPageSize - ((va + off) & (kPageSize - 1)));
    auto s = span(va + off, chunk);
    if (!s) {
      if (err) *err = s.error();
      return false;
    }
    off += chunk;
  }
  while (len) {
    uint64_t chunk = std::min(len, kPageSize - (va & (kPageSize - 1)));
    auto s = span(va, chunk);
    if (!s) {  // the guest changed its page tables in between
      if (err) *err = s.error();
      return false;
    }
    std::memcpy(s->data(), in, chunk);
    in += chunk;
    va += chunk;
    len -= chunk;
  }
  return true;
}

}  // namespace ktstr::monitor
