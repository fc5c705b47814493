#pragma once
// Kernel symbol addresses without a symbol table: Debian's vmlinux has none
// (System.map is a placeholder, real symbols are in the huge -dbg package),
// but every kernel carries its own compressed /proc/kallsyms tables in
// .rodata. We decode those from the vmlinux file, so symbols are known
// before the guest boots and even if it dies early — no guest cooperation.
//
// Layout (scripts/kallsyms.c, 6.14+ incl. 7.x), each label 4-byte aligned:
//   kallsyms_num_syms  u32
//   kallsyms_names     per symbol: ULEB128 length (1-2 bytes), token bytes
//   kallsyms_markers   u32 offset into names of every 256th symbol
//   kallsyms_token_table  256 NUL-terminated strings
//   kallsyms_token_index  256 u16 offsets into the token table
//   kallsyms_offsets   s32 per symbol, PC-relative: address = &entry + value
//   kallsyms_seqs_of_names
// Nothing labels them, so we find the token table by its tell-tale run of
// single-digit tokens ("0".."9" are the literal tokens 0x30..0x39), check it
// against the index that follows, and walk outwards. The decoded symbols
// must then name the tables where we found them, or we refuse the result.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

// Forward-declared: modules above monitor (runner, cli) include this
// header without depending on the ELF reader.
namespace ktstr::elf {
class ElfFile;
}

namespace ktstr::monitor {

struct KernelSymbol {
  uint64_t addr = 0;   // link-time virtual address
  char type = '?';     // as in /proc/kallsyms: T t D d B b R r ...
  uint32_t count = 0;  // how many symbols share this name (static ones may)
};

class SymbolTable {
 public:
  // Decodes the vmlinux's kallsyms once per path (cached in-process).
  // Throws Error saying why when the tables cannot be found or verified.
  static std::shared_ptr<const SymbolTable> load(const std::filesystem::path& vmlinux);
  static SymbolTable decode(const elf::ElfFile& elf);

  // Address of a uniquely named symbol; nullopt if absent or ambiguous.
  std::optional<uint64_t> address(std::string_view name) const;
  // Throws Error naming the symbol when absent or ambiguous.
  uint64_t require(std::string_view name) const;
  const KernelSymbol* find(std::string_view name) const;
  size_t size() const { return syms_.size(); }

  void add(std::string name, uint64_t addr, char type);

 private:
  std::unordered_map<std::string, KernelSymbol> syms_;
};

}  // namespace ktstr::monitor
