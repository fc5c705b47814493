#pragma once
// Just enough ELF64 to find a vmlinux's sections and turn link-time virtual
// addresses into bytes of the file. The vmlinux ktstr boots has section
// headers but no symbol table, so this is all the structure there is.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "util/mapping.hpp"

namespace ktstr::monitor {

struct ElfSection {
  std::string name;
  uint32_t type = 0;
  uint64_t addr = 0;    // link-time virtual address
  uint64_t offset = 0;  // in the file
  uint64_t size = 0;
  bool has_bits() const;  // not SHT_NOBITS (.bss): the file holds its bytes
};

class ElfSections {
 public:
  // Maps the file read-only; throws Error for anything not a complete ELF64.
  static ElfSections open(const std::filesystem::path& p);
  // Over bytes the caller keeps alive (tests).
  static ElfSections parse(std::span<const uint8_t> bytes);

  const std::vector<ElfSection>& sections() const { return sections_; }
  const ElfSection* find(std::string_view name) const;
  std::span<const uint8_t> contents(const ElfSection& s) const;
  // File bytes at link-time address [addr, addr+len) inside one section
  // that has file contents; empty if none.
  std::span<const uint8_t> at_addr(uint64_t addr, uint64_t len) const;
  std::span<const uint8_t> bytes() const { return bytes_; }

 private:
  Mapping map_;
  std::span<const uint8_t> bytes_;
  std::vector<ElfSection> sections_;
};

}  // namespace ktstr::monitor
