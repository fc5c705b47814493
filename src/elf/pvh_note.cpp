#include "elf/pvh_note.hpp"

#include <cstring>

namespace ktstr::elf {

std::optional<uint64_t> pvh_entry(const ElfFile& f) {
  for (const auto& n : f.notes()) {
    if (n.name != "Xen" || n.type != kXenElfnotePhys32Entry) continue;
    if (n.desc.size() != 4 && n.desc.size() != 8) continue;
    uint64_t v = 0;
    std::memcpy(&v, n.desc.data(), n.desc.size());  // x86-64: little-endian
    return v;
  }
  return std::nullopt;
}

}  // namespace ktstr::elf
