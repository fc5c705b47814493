#include "initramfs/elf_info.hpp"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>

#include <mutex>

#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/files.hpp"

namespace ktstr::initramfs {
namespace {

void init_libelf() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (elf_version(EV_CURRENT) == EV_NONE) fail("libelf initialization failed: {}", elf_errmsg(-1));
  });
}

struct ElfHandle {
  Elf* e = nullptr;
  ~ElfHandle() {
    if (e) elf_end(e);
  }
};

// Maps a virtual address to a file offset through the PT_LOAD segments, the
// way the loader sees the file (DT_STRTAB holds an address, not an offset).
std::optional<uint64_t> vaddr_to_offset(Elf* e, size_t phnum, uint64_t vaddr) {
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr ph;
    if (!gelf_getphdr(e, static_cast<int>(i), &ph) || ph.p_type != PT_LOAD) continue;
    if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_filesz)
      return vaddr - ph.p_vaddr + ph.p_offset;
  }
  return std::nullopt;
}

std::vector<std::string> split_path_list(const std::string& s) {
  std::vector<std::string> out;
  for (auto& p : split(s, ':'))
    if (!p.empty()) out.push_back(p);
  return out;
}

// Reads the dynamic section through PT_DYNAMIC rather than section headers,
// so stripped (section-less) files work as they do for ld.so.
void read_dynamic(Elf* e, size_t phnum, const GElf_Phdr& dyn_ph, ElfInfo& info,
                  const std::string& name) {
  Elf_Data* dyn = elf_getdata_rawchunk(e, static_cast<int64_t>(dyn_ph.p_offset),
                                       dyn_ph.p_filesz, ELF_T_DYN);
  if (!dyn) fail("{}: cannot read dynamic section: {}", name, elf_errmsg(-1));
  uint64_t strtab = 0, strsz = 0;
  std::vector<std::pair<int64_t, uint64_t>> strs;  // (tag, string offset)
  size_t count = dyn_ph.p_filesz / gelf_fsize(e, ELF_T_DYN, 1, EV_CURRENT);
  for (size_t i = 0; i < count; ++i) {
    GElf_Dyn d;
    if (!gelf_getdyn(dyn, static_cast<int>(i), &d) || d.d_tag == DT_NULL) break;
    if (d.d_tag == DT_STRTAB) strtab = d.d_un.d_ptr;
    else if (d.d_tag == DT_STRSZ) strsz = d.d_un.d_val;
    else if (d.d_tag == DT_NEEDED || d.d_tag == DT_SONAME || d.d_tag == DT_RPATH ||
             d.d_tag == DT_RUNPATH)
      strs.emplace_back(d.d_tag, d.d_un.d_val);
  }
  if (strs.empty()) return;
  auto off = vaddr_to_offset(e, phnum, strtab);
  if (!off || strsz == 0) fail("{}: dynamic section has no usable string table", name);
  Elf_Data* sd = elf_getdata_rawchunk(e, static_cast<int64_t>(*off), strsz, ELF_T_BYTE);
  if (!sd) fail("{}: cannot read dynamic string table: {}", name, elf_errmsg(-1));
  std::string_view table(static_cast<const char*>(sd->d_buf), sd->d_size);
  for (auto [tag, o] : strs) {
    if (o >= table.size()) fail("{}: corrupt dynamic string offset", name);
    std::string s(table.substr(o, table.find('\0', o) - o));
    if (tag == DT_NEEDED) info.needed.push_back(s);
    else if (tag == DT_SONAME) info.soname = s;
    else if (tag == DT_RPATH) info.rpath = split_path_list(s);
    else info.runpath = split_path_list(s);
  }
}

ElfInfo parse(Elf* e, const std::string& name) {
  ElfInfo info;
  GElf_Ehdr eh;
  if (!gelf_getehdr(e, &eh)) fail("{}: cannot read ELF header: {}", name, elf_errmsg(-1));
  info.elf_class = gelf_getclass(e);
  info.machine = eh.e_machine;
  info.type = eh.e_type;
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
    fail("{}: ELF file is not an executable or shared library", name);
  size_t phnum = 0;
  if (elf_getphdrnum(e, &phnum) != 0) fail("{}: cannot read program headers", name);
  size_t raw_size = 0;
  const char* raw = elf_rawfile(e, &raw_size);
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr ph;
    if (!gelf_getphdr(e, static_cast<int>(i), &ph)) continue;
    if (ph.p_type == PT_INTERP) {
      if (!raw || ph.p_offset + ph.p_filesz > raw_size) fail("{}: corrupt PT_INTERP", name);
      std::string_view s(raw + ph.p_offset, ph.p_filesz);
      info.interp = std::string(s.substr(0, s.find('\0')));
    } else if (ph.p_type == PT_DYNAMIC) {
      read_dynamic(e, phnum, ph, info, name);
    }
  }
  return info;
}

}  // namespace

ElfInfo read_elf_info(const std::filesystem::path& path) {
  init_libelf();
  const std::string name = path.string();
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open " + name);
  ElfHandle h{elf_begin(fd.get(), ELF_C_READ_MMAP, nullptr)};
  if (!h.e || elf_kind(h.e) != ELF_K_ELF)
    fail("{} is not an ELF file (expected a compiled executable or shared library)", name);
  return parse(h.e, name);
}

std::optional<ElfInfo> try_read_elf_info(const std::filesystem::path& path) {
  try {
    return read_elf_info(path);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace ktstr::initramfs
