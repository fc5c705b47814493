#include "elf/elf_file.hpp"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <new>
#include <utility>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::elf {
namespace {

void init_libelf() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (elf_version(EV_CURRENT) == EV_NONE) fail("libelf initialization failed: {}", elf_errmsg(-1));
  });
}

bool fits(uint64_t size, uint64_t off, uint64_t len) { return off <= size && len <= size - off; }

std::vector<std::string> split_path_list(const std::string& s) {
  std::vector<std::string> out;
  for (auto& p : split(s, ':'))
    if (!p.empty()) out.push_back(p);
  return out;
}

}  // namespace

bool Section::has_bits() const { return type != SHT_NOBITS && type != SHT_NULL; }

bool ElfFile::has_magic(std::span<const uint8_t> d) {
  return d.size() >= SELFMAG && std::memcmp(d.data(), ELFMAG, SELFMAG) == 0;
}

ElfFile::ElfFile(ElfFile&& o) noexcept
    : elf_(std::exchange(o.elf_, nullptr)),
      fd_(std::exchange(o.fd_, -1)),
      bytes_(o.bytes_),
      class_(o.class_),
      data_(o.data_),
      machine_(o.machine_),
      type_(o.type_),
      sections_(std::move(o.sections_)),
      segments_(std::move(o.segments_)) {}

ElfFile& ElfFile::operator=(ElfFile&& o) noexcept {
  if (this != &o) {
    this->~ElfFile();
    new (this) ElfFile(std::move(o));
  }
  return *this;
}

ElfFile::~ElfFile() {
  if (elf_) elf_end(elf_);
  if (fd_ >= 0) ::close(fd_);
}

ElfFile ElfFile::open(const std::filesystem::path& p) {
  init_libelf();
  ElfFile f;
  f.fd_ = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd_ < 0) fail_errno("open " + p.string());
  // ELF_C_READ_MMAP: libelf maps the file and reads headers lazily, so a
  // 60 MB vmlinux costs a few page faults, not a copy.
  f.elf_ = elf_begin(f.fd_, ELF_C_READ_MMAP, nullptr);
  if (!f.elf_) fail("{}: cannot read the file: libelf: {}", p.string(), elf_errmsg(-1));
  size_t n = 0;
  const char* raw = elf_rawfile(f.elf_, &n);
  f.bytes_ = {reinterpret_cast<const uint8_t*>(raw), raw ? n : 0};
  try {
    f.load();
  } catch (const Error& e) {
    fail("{}: {}", p.string(), e.what());
  }
  return f;
}

ElfFile ElfFile::parse(std::span<const uint8_t> b) {
  init_libelf();
  ElfFile f;
  f.bytes_ = b;
  if (!has_magic(b)) fail("not an ELF file (no \\x7fELF magic)");
  // libelf only reads the image in ELF_C_READ modes (the fuzz target checks
  // that it never writes to its const input).
  f.elf_ = elf_memory(const_cast<char*>(reinterpret_cast<const char*>(b.data())), b.size());
  if (!f.elf_) fail("ELF file is truncated or corrupt ({} bytes): libelf: {}", b.size(), elf_errmsg(-1));
  f.load();
  return f;
}

void ElfFile::load() {
  const uint64_t size = bytes_.size();
  if (!has_magic(bytes_)) fail("not an ELF file (no \\x7fELF magic)");
  // libelf takes it for ELF only with a valid class, byte order and version.
  if (elf_kind(elf_) != ELF_K_ELF)
    fail("corrupt ELF identification (class {}, byte order {}, version {})", size > EI_CLASS ? bytes_[EI_CLASS] : 0,
         size > EI_DATA ? bytes_[EI_DATA] : 0, size > EI_VERSION ? bytes_[EI_VERSION] : 0);
  class_ = gelf_getclass(elf_);
  data_ = size > EI_DATA ? bytes_[EI_DATA] : 0;
  const uint64_t ehdr_size = class_ == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  if (size < ehdr_size) fail("ELF file is truncated ({} bytes, header needs {})", size, ehdr_size);
  GElf_Ehdr eh;
  if (!gelf_getehdr(elf_, &eh)) fail("cannot read the ELF header: libelf: {}", elf_errmsg(-1));
  machine_ = eh.e_machine;
  type_ = eh.e_type;

  size_t phnum = 0;
  const uint64_t phent = class_ == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
  if (elf_getphdrnum(elf_, &phnum) != 0 || !fits(size, eh.e_phoff, phnum * phent))
    fail("ELF file is truncated: program headers at {:#x} lie past its end ({} bytes)", eh.e_phoff, size);
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr ph;
    if (!gelf_getphdr(elf_, static_cast<int>(i), &ph))
      fail("ELF file is truncated: program headers at {:#x} lie past its end ({} bytes)", eh.e_phoff, size);
    if (!fits(size, ph.p_offset, ph.p_filesz))
      fail("ELF file is truncated: segment {} needs bytes up to {:#x} but the file has {:#x}", i,
           ph.p_offset + ph.p_filesz, size);
    segments_.push_back({ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_filesz, ph.p_memsz, ph.p_paddr});
  }

  size_t shnum = 0, shstrndx = 0;
  if (elf_getshdrnum(elf_, &shnum) != 0)
    fail("ELF file is truncated: section headers at {:#x} lie past its end ({} bytes)", eh.e_shoff, size);
  if (shnum == 0) return;
  const uint64_t shent = class_ == ELFCLASS64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
  if (!fits(size, eh.e_shoff, shnum * shent))
    fail("ELF file is truncated: section headers at {:#x} lie past its end ({} bytes)", eh.e_shoff, size);
  bool names = elf_getshdrstrndx(elf_, &shstrndx) == 0;
  for (size_t i = 0; i < shnum; ++i) {
    Elf_Scn* scn = elf_getscn(elf_, i);
    GElf_Shdr sh;
    if (!scn || !gelf_getshdr(scn, &sh))
      fail("ELF file is truncated: section headers at {:#x} lie past its end ({} bytes)", eh.e_shoff, size);
    Section s;
    // elf_strptr bounds-checks the name against .shstrtab; a bad one reads "".
    if (const char* n = names ? elf_strptr(elf_, shstrndx, sh.sh_name) : nullptr) s.name = n;
    s.type = sh.sh_type;
    s.addr = sh.sh_addr;
    s.offset = sh.sh_offset;
    s.size = sh.sh_size;
    if (s.has_bits() && !fits(size, s.offset, s.size))
      fail("ELF section '{}' lies outside the file (truncated file?)", s.name);
    sections_.push_back(std::move(s));
  }
}

const Section* ElfFile::find(std::string_view name) const {
  for (const auto& s : sections_)
    if (s.name == name) return &s;
  return nullptr;
}

std::span<const uint8_t> ElfFile::contents(const Section& s) const {
  if (!s.has_bits()) return {};
  return bytes_.subspan(s.offset, s.size);
}

std::span<const uint8_t> ElfFile::contents(const Segment& s) const { return bytes_.subspan(s.offset, s.filesz); }

std::span<const uint8_t> ElfFile::at_addr(uint64_t addr, uint64_t len) const {
  for (const auto& s : sections_) {
    if (!s.has_bits() || s.addr == 0) continue;
    if (addr >= s.addr && addr - s.addr < s.size && len <= s.size - (addr - s.addr))
      return bytes_.subspan(s.offset + (addr - s.addr), len);
  }
  return {};
}

std::vector<Note> ElfFile::notes() const {
  std::vector<Note> out;
  auto walk = [&](uint64_t off, uint64_t len) {
    Elf_Data* d = elf_getdata_rawchunk(elf_, static_cast<int64_t>(off), len, ELF_T_NHDR);
    if (!d || !d->d_buf) return;
    const auto* base = static_cast<const uint8_t*>(d->d_buf);
    size_t at = 0, name_off = 0, desc_off = 0;
    GElf_Nhdr nh;
    // gelf_getnote returns 0 at the end or at a note that would overrun.
    while (at < d->d_size && (at = gelf_getnote(d, at, &nh, &name_off, &desc_off)) != 0) {
      const char* n = reinterpret_cast<const char*>(base + name_off);
      out.push_back({std::string(n, strnlen(n, nh.n_namesz)), nh.n_type, {base + desc_off, nh.n_descsz}});
    }
  };
  bool saw_segment = false;
  for (const auto& s : segments_)
    if (s.type == PT_NOTE) {
      saw_segment = true;
      walk(s.offset, s.filesz);
    }
  if (!saw_segment)
    for (const auto& s : sections_)
      if (s.type == SHT_NOTE) walk(s.offset, s.size);
  return out;
}

std::optional<std::string> ElfFile::interp() const {
  for (const auto& s : segments_)
    if (s.type == PT_INTERP) {
      auto b = contents(s);
      std::string_view v(reinterpret_cast<const char*>(b.data()), b.size());
      return std::string(v.substr(0, v.find('\0')));
    }
  return std::nullopt;
}

Dynamic ElfFile::dynamic() const {
  Dynamic out;
  const Segment* dyn_ph = nullptr;
  for (const auto& s : segments_)
    if (s.type == PT_DYNAMIC) dyn_ph = &s;
  if (!dyn_ph) return out;
  Elf_Data* dyn = elf_getdata_rawchunk(elf_, static_cast<int64_t>(dyn_ph->offset), dyn_ph->filesz, ELF_T_DYN);
  if (!dyn) fail("cannot read dynamic section: {}", elf_errmsg(-1));
  uint64_t strtab = 0, strsz = 0;
  std::vector<std::pair<int64_t, uint64_t>> strs;  // (tag, string offset)
  size_t count = dyn_ph->filesz / gelf_fsize(elf_, ELF_T_DYN, 1, EV_CURRENT);
  for (size_t i = 0; i < count; ++i) {
    GElf_Dyn d;
    if (!gelf_getdyn(dyn, static_cast<int>(i), &d) || d.d_tag == DT_NULL) break;
    if (d.d_tag == DT_STRTAB) strtab = d.d_un.d_ptr;
    else if (d.d_tag == DT_STRSZ) strsz = d.d_un.d_val;
    else if (d.d_tag == DT_NEEDED || d.d_tag == DT_SONAME || d.d_tag == DT_RPATH || d.d_tag == DT_RUNPATH)
      strs.emplace_back(d.d_tag, d.d_un.d_val);
  }
  if (strs.empty()) return out;
  // DT_STRTAB holds an address: map it to a file offset through the PT_LOAD
  // segments, the way the loader sees the file.
  std::optional<uint64_t> off;
  for (const auto& s : segments_)
    if (!off && s.type == PT_LOAD && strtab >= s.vaddr && strtab - s.vaddr < s.filesz) off = strtab - s.vaddr + s.offset;
  if (!off || strsz == 0 || !fits(bytes_.size(), *off, strsz)) fail("dynamic section has no usable string table");
  std::string_view table(reinterpret_cast<const char*>(bytes_.data() + *off), strsz);
  for (auto [tag, o] : strs) {
    if (o >= table.size()) fail("corrupt dynamic string offset");
    std::string s(table.substr(o, table.find('\0', o) - o));
    if (tag == DT_NEEDED) out.needed.push_back(s);
    else if (tag == DT_SONAME) out.soname = s;
    else if (tag == DT_RPATH) out.rpath = split_path_list(s);
    else out.runpath = split_path_list(s);
  }
  return out;
}

}  // namespace ktstr::elf
