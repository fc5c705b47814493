// IoSync: rewrite a small private file and flush it, then a short sleep.
// The whole rewrite is voluntary blocking (the worker asked for I/O), so it
// is excluded from gaps; the sleep records a wake latency.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "workload/work_loops/loops.hpp"

namespace ktstr::workload::loops {
namespace {

// $TMPDIR first, then the usual writable places: a minimal guest rootfs may
// lack /tmp.
std::vector<std::string> temp_dirs() {
  std::vector<std::string> out;
  if (const char* d = std::getenv("TMPDIR"); d && *d) out.emplace_back(d);
  for (const char* d : {"/tmp", "/var/tmp", "/dev/shm", "/run", "/"}) out.emplace_back(d);
  return out;
}

// An unnamed file (O_TMPFILE, else created and unlinked at once): nothing
// to clean up if the worker is killed.
int open_temp_file() {
  std::string tried;
  for (const std::string& dir : temp_dirs()) {
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    std::string tmpl = (dir == "/" ? "" : dir) + "/ktstr-io-XXXXXX";
    fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd >= 0) {
      ::unlink(tmpl.c_str());
      return fd;
    }
    tried += (tried.empty() ? "" : ", ") + dir;
  }
  fail_errno("IoSync: cannot create a temp file in any of " + tried);
}

}  // namespace

IoFile::IoFile(const WorkType& w)
    : fd_(open_temp_file()),
      file_bytes_(size_t{w.io_file_kib} * 1024),
      write_bytes_(size_t{w.io_write_kib} * 1024),
      buf_(new char[write_bytes_]) {
  std::memset(buf_, 0x5a, write_bytes_);
}

IoFile::~IoFile() {
  if (fd_ >= 0) ::close(fd_);
  delete[] buf_;
}

void IoFile::rewrite(WorkerContext& ctx) {
  ctx.probe().block_begin();
  for (size_t off = 0; off + write_bytes_ <= file_bytes_; off += write_bytes_) {
    buf_[0] = static_cast<char>(ctx.iterations());  // the data changes every pass
    ssize_t n;
    do {
      n = ::pwrite(fd_, buf_, write_bytes_, static_cast<off_t>(off));
    } while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(write_bytes_)) fail_errno("IoSync: pwrite");
    ctx.add_units(1);
  }
  while (::fdatasync(fd_) != 0) {
    if (errno != EINTR) fail_errno("IoSync: fdatasync");
  }
  ctx.probe().block_end();
}

void io_sync(WorkerContext& ctx) {
  IoFile file(ctx.work());
  const uint64_t sleep = uint64_t{ctx.work().io_sleep_us} * 1000;
  while (!ctx.stop_requested()) {
    file.rewrite(ctx);
    ctx.end_iteration();
    if (!ctx.stop_requested()) ctx.sleep_ns(sleep);
  }
}

}  // namespace ktstr::workload::loops
