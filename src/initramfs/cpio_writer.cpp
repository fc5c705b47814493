#include "initramfs/cpio_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "util/error.hpp"
#include "util/fd.hpp"

namespace ktstr::initramfs {
namespace {

// newc fields are 8 hex digits; sizes beyond that cannot be represented.
constexpr uint64_t kMaxField = 0xffffffffull;

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("write initramfs archive");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// Parents of guest directories whose conventional mode is not 0755.
uint32_t default_dir_mode(std::string_view norm) { return norm == "tmp" ? 01777 : 0755; }

}  // namespace

Sink string_sink(std::string& out) {
  return [&out](std::string_view s) { out.append(s); };
}

Sink fd_sink(int fd) {
  return [fd](std::string_view s) { write_all(fd, s); };
}

std::string normalize_guest_path(std::string_view path) {
  std::string out;
  for (const auto& part : std::filesystem::path(path)) {
    std::string p = part.string();
    if (p.empty() || p == "/" || p == ".") continue;
    if (p == "..") fail("initramfs path {} must not contain '..'", path);
    if (!out.empty()) out += '/';
    out += p;
  }
  if (out.empty()) fail("initramfs path '{}' names the archive root", path);
  return out;
}

CpioWriter::CpioWriter(Sink sink) : sink_(std::move(sink)) {}

void CpioWriter::emit(std::string_view bytes) {
  sink_(bytes);
  offset_ += bytes.size();
}

void CpioWriter::pad4() {
  static constexpr char kZeros[4] = {};
  if (size_t r = offset_ % 4) emit(std::string_view(kZeros, 4 - r));
}

void CpioWriter::header(const std::string& name, uint32_t mode, uint64_t filesize,
                        uint32_t nlink, uint32_t rmajor, uint32_t rminor) {
  if (finished_) fail("initramfs: entry {} added after the archive was finished", name);
  if (filesize > kMaxField) fail("initramfs: {} is too large for a cpio archive", name);
  // Fields: magic ino mode uid gid nlink mtime filesize devmajor devminor
  // rdevmajor rdevminor namesize check. namesize counts the NUL.
  std::string h = fmt::format("070701{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}"
                              "{:08X}{:08X}{:08X}",
                              name == "TRAILER!!!" ? 0u : next_ino_++, mode, 0, 0, nlink, 0,
                              filesize, 0, 0, rmajor, rminor, name.size() + 1, 0);
  emit(h);
  emit(std::string_view(name.c_str(), name.size() + 1));
  pad4();  // header (110 bytes) + name is padded to a multiple of 4
  if (name != "TRAILER!!!") ++entries_;
}

void CpioWriter::ensure_parents(const std::string& norm) {
  for (size_t pos = norm.find('/'); pos != std::string::npos; pos = norm.find('/', pos + 1)) {
    std::string parent = norm.substr(0, pos);
    if (dirs_.count(parent)) continue;
    if (paths_.count(parent)) fail("initramfs: {} is needed as a directory but is a file", parent);
    paths_.insert(parent);
    dirs_.insert(parent);
    header(parent, S_IFDIR | default_dir_mode(parent), 0, 2, 0, 0);
  }
}

void CpioWriter::claim(const std::string& norm) {
  if (paths_.count(norm)) fail("initramfs: duplicate entry /{}", norm);
  ensure_parents(norm);
  paths_.insert(norm);
}

bool CpioWriter::contains(std::string_view path) const {
  return paths_.count(normalize_guest_path(path)) != 0;
}

void CpioWriter::assume_directory(std::string_view path) {
  std::string norm = normalize_guest_path(path);
  // Parents of an existing directory exist too.
  for (size_t pos = 0;; ++pos) {
    pos = norm.find('/', pos);
    std::string p = norm.substr(0, pos);  // npos: the whole path
    paths_.insert(p);
    dirs_.insert(p);
    if (pos == std::string::npos) break;
  }
}

void CpioWriter::add_directory(std::string_view path, uint32_t mode) {
  std::string norm = normalize_guest_path(path);
  if (dirs_.count(norm)) return;
  claim(norm);
  dirs_.insert(norm);
  header(norm, S_IFDIR | (mode & 07777), 0, 2, 0, 0);
}

void CpioWriter::add_file(std::string_view path, std::string_view data, uint32_t mode) {
  std::string norm = normalize_guest_path(path);
  claim(norm);
  header(norm, S_IFREG | (mode & 07777), data.size(), 1, 0, 0);
  emit(data);
  pad4();
}

void CpioWriter::add_file_from_host(std::string_view path, const std::filesystem::path& host,
                                    uint32_t mode) {
  std::string norm = normalize_guest_path(path);
  Fd fd(::open(host.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open " + host.string() + " for initramfs");
  struct stat st;
  if (::fstat(fd.get(), &st) < 0) fail_errno("stat " + host.string());
  if (!S_ISREG(st.st_mode)) fail("initramfs: {} is not a regular file", host.string());
  claim(norm);
  uint64_t size = static_cast<uint64_t>(st.st_size);
  header(norm, S_IFREG | (mode & 07777), size, 1, 0, 0);
  std::vector<char> buf(1 << 20);
  uint64_t left = size;
  while (left > 0) {
    ssize_t n = ::read(fd.get(), buf.data(), std::min<uint64_t>(buf.size(), left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read " + host.string());
    // The header already promised `size` bytes; a shrinking file would
    // corrupt the archive, so refuse rather than pad.
    if (n == 0) fail("initramfs: {} shrank while being archived", host.string());
    emit(std::string_view(buf.data(), static_cast<size_t>(n)));
    left -= static_cast<uint64_t>(n);
  }
  pad4();
}

void CpioWriter::add_symlink(std::string_view path, std::string_view target) {
  std::string norm = normalize_guest_path(path);
  claim(norm);
  header(norm, S_IFLNK | 0777, target.size(), 1, 0, 0);
  emit(target);  // the link target is the entry's data, without a NUL
  pad4();
}

void CpioWriter::add_char_device(std::string_view path, uint32_t major, uint32_t minor,
                                 uint32_t mode) {
  std::string norm = normalize_guest_path(path);
  claim(norm);
  header(norm, S_IFCHR | (mode & 07777), 0, 1, major, minor);
}

void CpioWriter::finish() {
  if (finished_) return;
  header("TRAILER!!!", 0, 0, 1, 0, 0);
  finished_ = true;
}

}  // namespace ktstr::initramfs
