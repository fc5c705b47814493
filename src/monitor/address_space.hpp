#pragma once
// x86-64 kernel virtual → guest physical, the three ways the kernel maps
// memory:
//   kernel image  VA − __START_KERNEL_map + phys_base
//   direct map    VA − page_offset_base
//   anything else (vmalloc, vmap'd stacks, some per-CPU chunks): walk the
//   kernel page tables from init_top_pgt, 4- or 5-level.
// Every lookup is bounds-checked against guest RAM: the values come from an
// untrusted guest and a garbage pointer must give an error, not a crash.
#include <cstdint>
#include <span>

#include "monitor/expected.hpp"
#include "monitor/phys_memory.hpp"

namespace ktstr::monitor {

inline constexpr uint64_t kStartKernelMap = 0xffffffff80000000ull;  // x86-64 ABI constant
inline constexpr uint64_t kKernelImageSize = 1ull << 30;            // KERNEL_IMAGE_SIZE with KASLR

struct AddressLayout {
  uint64_t phys_base = 0;         // read from the guest's phys_base
  uint64_t page_offset_base = 0;  // read from the guest's page_offset_base
  uint64_t top_pgt_pa = 0;        // physical address of init_top_pgt (0: no walks)
  bool five_level = false;        // __pgtable_l5_enabled
  // End of the mapped image (_end): the rest of the 1 GiB image window is
  // unmapped, so arithmetic there would alias unrelated RAM.
  uint64_t image_end = kStartKernelMap + kKernelImageSize;
};

class AddressSpace {
 public:
  AddressSpace(const PhysMemory& mem, AddressLayout l) : mem_(mem), l_(l) {}

  const AddressLayout& layout() const { return l_; }
  // Image map and direct map arithmetically, the rest by page walk.
  Expected<uint64_t> to_phys(uint64_t va) const;
  // Page tables only (also checks the fast paths against the real tables).
  Expected<uint64_t> walk(uint64_t va) const;
  // Host span for [va, va+len) if it stays inside one page (or one
  // physically contiguous mapping); reads crossing pages go page by page.
  Expected<std::span<uint8_t>> span(uint64_t va, uint64_t len) const;
  bool read(uint64_t va, void* dst, uint64_t len, std::string* err) const;
  bool write(uint64_t va, const void* src, uint64_t len, std::string* err) const;

  bool canonical(uint64_t va) const;

 private:
  const PhysMemory& mem_;
  AddressLayout l_;
};

}  // namespace ktstr::monitor
