#include "store/store_file.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>

#include "util/error.hpp"

namespace ktstr::store {
namespace fs = std::filesystem;

namespace {
uint32_t be32(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}
}  // namespace

StoreFileState check_store_file(const fs::path& path) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  // Under a regular file (ENOTDIR) it is missing too: creating it says why.
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
    fail("cannot access run store {}: {}", path.string(), ec.message());
  if (!fs::exists(st)) return StoreFileState::Missing;
  if (fs::is_directory(st)) fail("run store {} is a directory, not a database file", path.string());
  if (!fs::is_regular_file(st)) fail("run store {} is not a regular file", path.string());
  uintmax_t size = fs::file_size(path, ec);
  if (ec) fail("cannot read run store {}: {}", path.string(), ec.message());
  if (size == 0) return StoreFileState::Empty;

  unsigned char h[100] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read run store {}", path.string());
  in.read(reinterpret_cast<char*>(h), sizeof h);
  size_t got = static_cast<size_t>(in.gcount());
  static const char kMagic[] = "SQLite format 3";  // 16 bytes with its NUL
  if (got < 16 || std::memcmp(h, kMagic, 16) != 0)
    fail("{} is not a ktstr run store (not an SQLite database); refusing to touch it — move it away or pass "
         "another --store",
         path.string());
  if (got < sizeof h)
    fail("run store {} is truncated ({} bytes, shorter than an SQLite header); refusing to touch it", path.string(),
         size);
  // Page size: 512..32768 as is, 1 meaning 65536.
  uint32_t page = (uint32_t(h[16]) << 8) | h[17];
  if (page == 1) page = 65536;
  if (page < 512 || (page & (page - 1)))
    fail("run store {} is corrupt (bad page size {}); refusing to touch it", path.string(), page);
  // The in-header page count is valid when the change counter matches
  // "version-valid-for". Only compared when no -wal file exists: while a
  // writer checkpoints, the header may run ahead of the file's length.
  uint32_t pages = be32(h + 28);
  bool count_valid = pages != 0 && be32(h + 24) == be32(h + 92);
  fs::path wal = path;
  wal += "-wal";
  if (!fs::exists(wal, ec) && (size % page != 0 || (count_valid && size < uintmax_t(pages) * page)))
    fail("run store {} is truncated ({} bytes; its header says {} pages of {} bytes); refusing to touch it",
         path.string(), size, pages, page);
  return StoreFileState::Database;
}

}  // namespace ktstr::store
