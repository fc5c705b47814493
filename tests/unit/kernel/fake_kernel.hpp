#pragma once
// Builders for synthetic kernels: a tiny ELF "vmlinux" with the notes ktstr
// looks for, compressors for every payload format, a bzImage wrapper, and a
// scratch directory. Real kernels are 60 MB and need the network; these
// exercise the same code paths in microseconds.
#include <elf.h>
#include <lz4.h>
#include <lzma.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fake {

using Bytes = std::vector<uint8_t>;

inline void put(Bytes& b, size_t off, const void* src, size_t n) {
  if (b.size() < off + n) b.resize(off + n);
  std::memcpy(b.data() + off, src, n);
}
template <typename T>
void put_le(Bytes& b, size_t off, T v) {
  put(b, off, &v, sizeof v);  // x86-64 host: native order is little endian
}

inline void append_note(Bytes& notes, const char* name, uint32_t type, const Bytes& desc) {
  Elf64_Nhdr nh{static_cast<Elf64_Word>(std::strlen(name) + 1), static_cast<Elf64_Word>(desc.size()), type};
  size_t off = notes.size();
  put(notes, off, &nh, sizeof nh);
  off += sizeof nh;
  put(notes, off, name, nh.n_namesz);
  off += (nh.n_namesz + 3) & ~3u;
  put(notes, off, desc.data(), desc.size());
  notes.resize(off + ((desc.size() + 3) & ~size_t{3}));
}

// An ELF64 x86-64 file with a PT_NOTE segment (PVH entry note if with_pvh,
// a GNU build id) and a PT_LOAD segment holding the "Linux version" banner.
inline Bytes make_vmlinux(bool with_pvh = true, const std::string& release = "6.99.1-test") {
  Bytes notes;
  append_note(notes, "Xen", 6, {'l', 'i', 'n', 'u', 'x', 0});  // unrelated Xen note first
  if (with_pvh) append_note(notes, "Xen", 18, {0x30, 0xe0, 0x9c, 0x03});
  append_note(notes, "GNU", NT_GNU_BUILD_ID, {0xde, 0xad, 0xbe, 0xef});
  // A format string first (as in the real .rodata), then the real banner.
  std::string banner = std::string("Linux version %s") + '\0' + "Linux version " + release + " (test@host) #1 SMP\n";
  Bytes text(banner.begin(), banner.end());
  text.resize(text.size() + 4096, 0x90);  // some "code" so compression has work

  constexpr size_t kPh = sizeof(Elf64_Ehdr), kPhnum = 2;
  size_t notes_off = kPh + kPhnum * sizeof(Elf64_Phdr);
  size_t text_off = notes_off + notes.size();
  Bytes out;
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_EXEC;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_entry = 0x1000000;
  eh.e_phoff = kPh;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = kPhnum;
  put(out, 0, &eh, sizeof eh);
  Elf64_Phdr load{PT_LOAD, PF_R | PF_X, text_off, 0x1000000, 0x1000000, text.size(), text.size(), 0x1000};
  Elf64_Phdr note{PT_NOTE, PF_R, notes_off, 0, 0, notes.size(), notes.size(), 4};
  put(out, kPh, &load, sizeof load);
  put(out, kPh + sizeof(Elf64_Phdr), &note, sizeof note);
  put(out, notes_off, notes.data(), notes.size());
  put(out, text_off, text.data(), text.size());
  return out;
}

inline Bytes zstd(const Bytes& in) {
  Bytes out(ZSTD_compressBound(in.size()));
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 19);
  if (ZSTD_isError(n)) throw std::runtime_error("zstd");
  out.resize(n);
  return out;
}

inline Bytes xz(const Bytes& in) {
  Bytes out(in.size() + 4096);
  size_t pos = 0;
  if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, nullptr, in.data(), in.size(), out.data(), &pos, out.size()) !=
      LZMA_OK)
    throw std::runtime_error("xz");
  out.resize(pos);
  return out;
}

inline Bytes gzip(const Bytes& in) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  Bytes out(deflateBound(&z, in.size()) + 64);
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("gzip");
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// LZ4 legacy frame, as `lz4 -l` writes it: magic, then [u32 size][block].
inline Bytes lz4_legacy(const Bytes& in) {
  Bytes out;
  put_le<uint32_t>(out, 0, 0x184C2102);
  constexpr size_t kBlock = size_t{8} << 20;
  for (size_t off = 0; off < in.size(); off += kBlock) {
    int n = static_cast<int>(std::min(kBlock, in.size() - off));
    Bytes blk(static_cast<size_t>(LZ4_compressBound(n)));
    int c = LZ4_compress_default(reinterpret_cast<const char*>(in.data() + off), reinterpret_cast<char*>(blk.data()), n,
                                 static_cast<int>(blk.size()));
    put_le<uint32_t>(out, out.size(), static_cast<uint32_t>(c));
    out.insert(out.end(), blk.begin(), blk.begin() + c);
  }
  return out;
}

// A bzImage: boot sector + 1 setup sector carrying the header fields ktstr
// reads, then the payload. Like the kernel build, 4 bytes (the uncompressed
// size) follow the compressed stream inside payload_length.
inline Bytes make_bzimage(const Bytes& compressed, uint32_t uncompressed_size, uint16_t protocol = 0x020f,
                          const std::string& banner = "6.99.1-test (test@host) #1 SMP") {
  constexpr uint8_t kSetupSects = 1;
  constexpr uint32_t kPayloadOffset = 0x40;
  Bytes img((kSetupSects + 1) * 512 + kPayloadOffset, 0);
  img[0x1f1] = kSetupSects;
  put_le<uint16_t>(img, 0x1fe, 0xAA55);
  put(img, 0x202, "HdrS", 4);
  put_le<uint16_t>(img, 0x206, protocol);
  put_le<uint16_t>(img, 0x20e, 0x100);  // banner at 0x300, relative to 0x200
  put(img, 0x300, banner.c_str(), banner.size() + 1);
  put_le<uint32_t>(img, 0x248, kPayloadOffset);
  put_le<uint32_t>(img, 0x24c, static_cast<uint32_t>(compressed.size() + 4));
  img.insert(img.end(), compressed.begin(), compressed.end());
  put_le<uint32_t>(img, img.size(), uncompressed_size);
  return img;
}

inline void write(const std::filesystem::path& p, const Bytes& b) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
inline void write(const std::filesystem::path& p, const std::string& s) { write(p, Bytes(s.begin(), s.end())); }

inline std::string good_config() {
  return "#\n# Automatically generated file; DO NOT EDIT.\n#\n"
         "CONFIG_SCHED_CLASS_EXT=y\nCONFIG_BPF_SYSCALL=y\nCONFIG_DEBUG_INFO_BTF=y\nCONFIG_CGROUPS=y\n"
         "CONFIG_CPUSETS=y\nCONFIG_BLK_DEV_INITRD=y\nCONFIG_DEVMEM=y\nCONFIG_SERIAL_8250_CONSOLE=y\n"
         "CONFIG_PVH=y\nCONFIG_HZ=1000\nCONFIG_LOCALVERSION=\"\"\n# CONFIG_IKCONFIG is not set\n";
}

class TempDir {
 public:
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "ktstr-kernel-test-XXXXXX").string();
    if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
    path_ = t;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Sets (or unsets, for nullptr) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = ::getenv(name)) old_ = old, had_ = true;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_)
      ::setenv(name_.c_str(), old_.c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

}  // namespace fake
