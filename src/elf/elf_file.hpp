#pragma once
// The one ELF reader: every ELF file ktstr looks at (the guest kernel's
// vmlinux, the scheduler binary and its libraries, the binaries packed into
// the initramfs) is read through libelf here. RAII over an Elf* handle;
// everything is bounds-checked against the file so a truncated or
// scribbled-on file is an Error saying what is wrong, never a crash.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct Elf;  // libelf

namespace ktstr::elf {

struct Section {
  std::string name;
  uint32_t type = 0;    // SHT_*
  uint64_t addr = 0;    // link-time virtual address
  uint64_t offset = 0;  // in the file
  uint64_t size = 0;
  bool has_bits() const;  // not SHT_NOBITS (.bss) or SHT_NULL: the file holds its bytes
};

struct Segment {
  uint32_t type = 0;  // PT_*
  uint64_t offset = 0, vaddr = 0, filesz = 0, memsz = 0;
  uint64_t paddr = 0;  // physical load address: where a boot loader puts it
};

struct Note {
  std::string name;  // "GNU", "Xen", ...
  uint32_t type = 0;
  std::span<const uint8_t> desc;
};

// What the dynamic loader reads (PT_DYNAMIC through the PT_LOAD mapping).
struct Dynamic {
  std::optional<std::string> soname;
  std::vector<std::string> needed, rpath, runpath;  // rpath/runpath split on ':'
};

class ElfFile {
 public:
  // Maps the file read-only (libelf's own mmap). Errors name the file.
  static ElfFile open(const std::filesystem::path& p);
  // Over bytes the caller keeps alive (decompressed images, tests, fuzzing).
  static ElfFile parse(std::span<const uint8_t> bytes);
  // The \x7fELF magic, nothing more (to tell a vmlinux from a bzImage).
  static bool has_magic(std::span<const uint8_t> bytes);

  ElfFile(ElfFile&& o) noexcept;
  ElfFile& operator=(ElfFile&& o) noexcept;
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;
  ~ElfFile();

  int elf_class() const { return class_; }  // ELFCLASS32 / ELFCLASS64
  int data_encoding() const { return data_; }  // ELFDATA2LSB / ...
  int machine() const { return machine_; }  // EM_X86_64, ...
  int type() const { return type_; }        // ET_EXEC, ET_DYN, ...

  // Every section and segment lies inside the file (checked on open).
  const std::vector<Section>& sections() const { return sections_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const Section* find(std::string_view name) const;
  std::span<const uint8_t> contents(const Section& s) const;
  std::span<const uint8_t> contents(const Segment& s) const;
  // File bytes at link-time address [addr, addr+len) inside one section
  // that has file contents; empty if none.
  std::span<const uint8_t> at_addr(uint64_t addr, uint64_t len) const;
  std::span<const uint8_t> bytes() const { return bytes_; }

  // Notes of the PT_NOTE segments, or of SHT_NOTE sections when there is no
  // PT_NOTE (some linkers put them only in sections). Malformed notes end
  // the walk of their area.
  std::vector<Note> notes() const;
  // PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2.
  std::optional<std::string> interp() const;
  // Through PT_DYNAMIC, so stripped (section-less) files work as for ld.so.
  // Throws Error when the dynamic section or its strings are corrupt.
  Dynamic dynamic() const;

 private:
  ElfFile() = default;
  void load();  // fills the tables; throws Error
  ::Elf* elf_ = nullptr;
  int fd_ = -1;  // for open(): libelf maps it, we keep it for the handle's life
  std::span<const uint8_t> bytes_;
  int class_ = 0, data_ = 0, machine_ = 0, type_ = 0;
  std::vector<Section> sections_;
  std::vector<Segment> segments_;
};

}  // namespace ktstr::elf
