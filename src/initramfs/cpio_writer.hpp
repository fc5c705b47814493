#pragma once
// Writer for the SVR4 "newc" cpio format (magic 070701), the only format the
// kernel's initramfs unpacker (init/initramfs.c) reads.
//
// Output is reproducible: uid/gid/mtime are 0 and inode numbers are assigned
// in order, so the same sequence of calls always yields the same bytes — a
// requirement for content-addressed caching of the result.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <string_view>

namespace ktstr::initramfs {

// Where archive bytes go. Called with consecutive pieces of the archive.
using Sink = std::function<void(std::string_view)>;
Sink string_sink(std::string& out);  // appends to `out`
Sink fd_sink(int fd);                // write(2)s everything, throws on error

class CpioWriter {
 public:
  explicit CpioWriter(Sink sink);

  // Guest paths are absolute or relative to the archive root ("/bin/sh" and
  // "bin/sh" are the same entry). Missing parent directories are emitted
  // automatically, each once (mode 0755, /tmp 01777). Adding a second
  // non-directory entry at an existing path throws; re-adding a directory is
  // a no-op.
  void add_directory(std::string_view path, uint32_t mode = 0755);
  void add_file(std::string_view path, std::string_view data, uint32_t mode = 0644);
  // Streams the host file's contents (not its metadata: the mode is `mode`).
  void add_file_from_host(std::string_view path, const std::filesystem::path& host,
                          uint32_t mode = 0755);
  void add_symlink(std::string_view path, std::string_view target);
  void add_char_device(std::string_view path, uint32_t major, uint32_t minor,
                       uint32_t mode = 0600);

  // Declares that `path` is a directory that already exists in the guest
  // (e.g. created by an earlier archive segment), so it is not emitted again.
  // Re-emitting would be harmless except that the kernel re-applies the mode.
  void assume_directory(std::string_view path);

  bool contains(std::string_view path) const;
  // Writes the TRAILER!!! entry. No entries may be added afterwards.
  void finish();

  size_t entry_count() const { return entries_; }   // excluding the trailer
  uint64_t bytes_written() const { return offset_; }

 private:
  void ensure_parents(const std::string& norm);
  void claim(const std::string& norm);
  void header(const std::string& name, uint32_t mode, uint64_t filesize, uint32_t nlink,
              uint32_t rmajor, uint32_t rminor);
  void emit(std::string_view bytes);
  void pad4();

  Sink sink_;
  std::set<std::string, std::less<>> paths_;  // everything emitted or assumed
  std::set<std::string, std::less<>> dirs_;
  uint32_t next_ino_ = 1;
  size_t entries_ = 0;
  uint64_t offset_ = 0;
  bool finished_ = false;
};

// "/a//b/" -> "a/b"; rejects "..", empty paths and the root itself.
std::string normalize_guest_path(std::string_view path);

}  // namespace ktstr::initramfs
