#include "vm/kvm/x86/paging.hpp"

#include <cstring>

#include "util/error.hpp"
#include "vm/kvm/memory_map.hpp"

namespace ktstr::vm::kvm {
namespace {
constexpr uint64_t kPresent = 1, kWritable = 2, kHuge = 0x80;
constexpr uint64_t k2M = 2ull << 20, k1G = 1ull << 30;

void put(std::span<uint8_t> mem, uint64_t gpa, uint64_t v) { std::memcpy(mem.data() + gpa, &v, sizeof v); }
}  // namespace

uint64_t write_identity_page_tables(std::span<uint8_t> mem) {
  namespace mm = memory_map;
  constexpr uint64_t pds = mm::kIdentityMapBytes / k1G;
  if (mem.size() < mm::kPd + pds * mm::kPageSize) fail("guest RAM too small for boot page tables");
  std::memset(mem.data() + mm::kPml4, 0, mm::kPd + pds * mm::kPageSize - mm::kPml4);
  put(mem, mm::kPml4, mm::kPdpt | kPresent | kWritable);
  for (uint64_t i = 0; i < pds; ++i) {
    uint64_t pd = mm::kPd + i * mm::kPageSize;
    put(mem, mm::kPdpt + i * 8, pd | kPresent | kWritable);
    for (uint64_t j = 0; j < 512; ++j) put(mem, pd + j * 8, (i * k1G + j * k2M) | kPresent | kWritable | kHuge);
  }
  return mm::kPml4;
}

}  // namespace ktstr::vm::kvm
