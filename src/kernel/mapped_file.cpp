#include "kernel/mapped_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "util/error.hpp"
#include "util/fd.hpp"

namespace ktstr::kernel {

MappedFile MappedFile::open(const std::filesystem::path& p) {
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open " + p.string());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail_errno("stat " + p.string());
  if (!S_ISREG(st.st_mode)) fail("{} is not a regular file", p.string());
  MappedFile f;
  // mmap rejects length 0; an empty file maps to an empty span.
  if (st.st_size > 0) f.map_ = Mapping::map_fd(fd.get(), static_cast<size_t>(st.st_size), 0, false);
  return f;
}

}  // namespace ktstr::kernel
