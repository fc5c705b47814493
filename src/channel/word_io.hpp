#pragma once
// Access to the shared region. The guest maps it through /dev/mem, possibly
// uncached (device memory on arm64), where only naturally aligned accesses are
// safe; memcpy may use unaligned or vector accesses. So bulk data moves as
// aligned 64-bit volatile words and control fields go through atomic_ref.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ktstr::channel::detail {

static_assert(std::atomic_ref<uint64_t>::is_always_lock_free);

inline uint64_t load_acquire(const uint64_t& field) {
  return std::atomic_ref<uint64_t>(const_cast<uint64_t&>(field)).load(std::memory_order_acquire);
}
inline uint32_t load_acquire(const uint32_t& field) {
  return std::atomic_ref<uint32_t>(const_cast<uint32_t&>(field)).load(std::memory_order_acquire);
}
inline void store_release(uint32_t& field, uint32_t v) {
  std::atomic_ref<uint32_t>(field).store(v, std::memory_order_release);
}
inline void store_release(uint64_t& field, uint64_t v) {
  std::atomic_ref<uint64_t>(field).store(v, std::memory_order_release);
}

// Copies n bytes to 8-aligned `dst` in whole words; the tail of the last word
// is zero-filled, so callers must own dst up to align8(n).
inline void store_words(void* dst, const void* src, size_t n) {
  auto* d = static_cast<volatile uint64_t*>(dst);
  auto* s = static_cast<const uint8_t*>(src);
  for (size_t off = 0; off < n; off += 8) {
    uint64_t w = 0;
    std::memcpy(&w, s + off, n - off < 8 ? n - off : 8);
    d[off / 8] = w;
  }
}

// Copies n bytes from 8-aligned `src`, reading whole words (up to align8(n)).
inline void load_words(void* dst, const void* src, size_t n) {
  auto* s = static_cast<const volatile uint64_t*>(src);
  auto* d = static_cast<uint8_t*>(dst);
  for (size_t off = 0; off < n; off += 8) {
    uint64_t w = s[off / 8];
    std::memcpy(d + off, &w, n - off < 8 ? n - off : 8);
  }
}

}  // namespace ktstr::channel::detail
