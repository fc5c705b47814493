#include "vm/kvm/x86/pvh.hpp"

#include <cstring>

#include "util/error.hpp"
#include "vm/kvm/memory_map.hpp"

namespace ktstr::vm::kvm {
namespace {

// xen/include/public/arch-x86/hvm/start_info.h
struct HvmStartInfo {
  uint32_t magic;
  uint32_t version;
  uint32_t flags;
  uint32_t nr_modules;
  uint64_t modlist_paddr;
  uint64_t cmdline_paddr;
  uint64_t rsdp_paddr;
  uint64_t memmap_paddr;
  uint32_t memmap_entries;
  uint32_t reserved;
};
struct HvmModlistEntry {
  uint64_t paddr, size, cmdline_paddr, reserved;
};
struct HvmMemmapEntry {
  uint64_t addr, size;
  uint32_t type, reserved;
};
static_assert(sizeof(HvmStartInfo) == 56 && sizeof(HvmModlistEntry) == 32 && sizeof(HvmMemmapEntry) == 24);

template <typename T>
void put(std::span<uint8_t> mem, uint64_t gpa, const T& v) {
  if (gpa + sizeof(T) > mem.size()) fail("PVH boot data at {:#x} outside guest RAM", gpa);
  std::memcpy(mem.data() + gpa, &v, sizeof v);
}

}  // namespace

uint64_t write_pvh_start_info(std::span<uint8_t> mem, const PvhBoot& b) {
  namespace mm = memory_map;
  if (mm::kPvhMemmap + b.memmap.size() * sizeof(HvmMemmapEntry) > mm::kPvhMemmapMax)
    fail("{} memory map entries do not fit the PVH area", b.memmap.size());
  HvmStartInfo si{};
  si.magic = kHvmStartMagic;
  si.version = 1;
  si.cmdline_paddr = b.cmdline_gpa;
  si.rsdp_paddr = b.rsdp_gpa;
  if (b.initrd_size) {
    si.nr_modules = 1;
    si.modlist_paddr = mm::kPvhModlist;
    put(mem, mm::kPvhModlist, HvmModlistEntry{b.initrd_gpa, b.initrd_size, 0, 0});
  }
  si.memmap_paddr = mm::kPvhMemmap;
  si.memmap_entries = static_cast<uint32_t>(b.memmap.size());
  for (size_t i = 0; i < b.memmap.size(); ++i) {
    const auto& e = b.memmap[i];
    put(mem, mm::kPvhMemmap + i * sizeof(HvmMemmapEntry),
        HvmMemmapEntry{e.addr, e.size, static_cast<uint32_t>(e.type), 0});
  }
  put(mem, mm::kPvhStartInfo, si);
  return mm::kPvhStartInfo;
}

}  // namespace ktstr::vm::kvm
