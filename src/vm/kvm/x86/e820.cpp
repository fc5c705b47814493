#include "vm/kvm/x86/e820.hpp"

#include "util/error.hpp"
#include "vm/kvm/memory_map.hpp"
#include "vm/layout.hpp"

namespace ktstr::vm::kvm {

std::vector<E820Entry> build_e820(const RamMap& m) {
  namespace mm = memory_map;
  uint64_t low = std::min(m.low_bytes, m.ram_bytes);
  if (low < mm::kHighRamStart + 32 * layout::kMiB) fail("guest RAM of {} bytes is too small to boot", low);
  uint64_t chan_end = m.channel_base + m.channel_size;
  if (m.channel_size && (m.channel_base < mm::kHighRamStart || chan_end > low))
    fail("channel ring {:#x}+{:#x} is not inside low RAM [1 MiB, {:#x})", m.channel_base, m.channel_size, low);

  std::vector<E820Entry> e;
  e.push_back({0, mm::kEbda, E820Type::Ram});
  e.push_back({mm::kEbda, mm::kLowRamEnd - mm::kEbda, E820Type::Reserved});
  e.push_back({mm::kAcpiBase, mm::kAcpiEnd - mm::kAcpiBase, E820Type::Reserved});
  if (m.channel_size) {
    e.push_back({mm::kHighRamStart, m.channel_base - mm::kHighRamStart, E820Type::Ram});
    e.push_back({m.channel_base, m.channel_size, E820Type::Reserved});
    if (chan_end < low) e.push_back({chan_end, low - chan_end, E820Type::Ram});
  } else {
    e.push_back({mm::kHighRamStart, low - mm::kHighRamStart, E820Type::Ram});
  }
  if (m.ram_bytes > low) e.push_back({layout::kHighMemStart, m.ram_bytes - low, E820Type::Ram});
  return e;
}

}  // namespace ktstr::vm::kvm
