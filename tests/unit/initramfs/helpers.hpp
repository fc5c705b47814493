#pragma once
// Test-only helpers: a temp directory, an independent newc cpio parser and a
// legacy-lz4 decoder, so tests check the writer against code it does not share.
#include <lz4.h>
#include <stdlib.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace ktstr::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ktstr-initramfs-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CpioEntry {
  std::string name;
  uint32_t ino = 0, mode = 0, uid = 0, gid = 0, nlink = 0, mtime = 0;
  uint32_t devmajor = 0, devminor = 0, rdevmajor = 0, rdevminor = 0, check = 0;
  std::string data;
};

// Parses a newc archive up to and including TRAILER!!! (which is returned as
// the last entry). Throws on any format violation.
inline std::vector<CpioEntry> parse_cpio(const std::string& a, size_t* end = nullptr) {
  std::vector<CpioEntry> out;
  size_t off = 0;
  auto need = [&](size_t n) {
    if (off + n > a.size()) throw std::runtime_error("truncated cpio");
  };
  auto hex = [&](size_t field) {
    return static_cast<uint32_t>(std::stoul(a.substr(off + 6 + 8 * field, 8), nullptr, 16));
  };
  auto align4 = [](size_t x) { return (x + 3) & ~size_t{3}; };
  while (true) {
    need(110);
    if (a.compare(off, 6, "070701") != 0) throw std::runtime_error("bad magic at " + std::to_string(off));
    CpioEntry e;
    e.ino = hex(0), e.mode = hex(1), e.uid = hex(2), e.gid = hex(3), e.nlink = hex(4);
    e.mtime = hex(5);
    uint32_t filesize = hex(6);
    e.devmajor = hex(7), e.devminor = hex(8), e.rdevmajor = hex(9), e.rdevminor = hex(10);
    uint32_t namesize = hex(11);
    e.check = hex(12);
    need(110 + namesize);
    if (namesize == 0 || a[off + 110 + namesize - 1] != '\0') throw std::runtime_error("name not NUL-terminated");
    e.name = a.substr(off + 110, namesize - 1);
    size_t data_off = align4(off + 110 + namesize);
    for (size_t i = off + 110 + namesize; i < data_off; ++i)
      if (a.at(i) != '\0') throw std::runtime_error("nonzero name padding");
    off = data_off;
    need(filesize);
    e.data = a.substr(off, filesize);
    size_t next = align4(off + filesize);
    need(next - off);
    for (size_t i = off + filesize; i < next; ++i)
      if (a[i] != '\0') throw std::runtime_error("nonzero data padding");
    off = next;
    bool trailer = e.name == "TRAILER!!!";
    out.push_back(std::move(e));
    if (trailer) break;
  }
  if (end) *end = off;
  return out;
}

inline const CpioEntry* find_entry(const std::vector<CpioEntry>& es, const std::string& name) {
  for (const auto& e : es)
    if (e.name == name) return &e;
  return nullptr;
}

inline uint32_t le32(const std::string& s, size_t off) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s.at(off + static_cast<size_t>(i)));
  return v;
}

// Decodes the legacy lz4 format the way the kernel's unlz4 does (blocks until
// the input ends or a zero block size). `consumed` excludes the zero marker,
// like the kernel's *posp.
inline std::string lz4_legacy_decode(const std::string& in, size_t* consumed = nullptr,
                                     size_t* max_block_out = nullptr) {
  if (le32(in, 0) != 0x184C2102) throw std::runtime_error("bad lz4 legacy magic");
  std::string out;
  size_t off = 4;
  if (max_block_out) *max_block_out = 0;
  std::vector<char> block(8u << 20);
  while (off + 4 <= in.size()) {
    uint32_t n = le32(in, off);
    if (n == 0) break;
    off += 4;
    if (off + n > in.size()) throw std::runtime_error("lz4 block overruns input");
    int d = LZ4_decompress_safe(in.data() + off, block.data(), static_cast<int>(n),
                                static_cast<int>(block.size()));
    if (d < 0) throw std::runtime_error("lz4 block corrupt");
    if (max_block_out && static_cast<size_t>(d) > *max_block_out) *max_block_out = static_cast<size_t>(d);
    out.append(block.data(), static_cast<size_t>(d));
    off += n;
  }
  if (consumed) *consumed = off;
  return out;
}

}  // namespace ktstr::test
