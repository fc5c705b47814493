#include "vm/qemu/qemu_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"

namespace ktstr::vm::qemu {

Pipe::Pipe() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) fail_errno("pipe");
  r.reset(p[0]);
  w.reset(p[1]);
  ::fcntl(p[0], F_SETFL, ::fcntl(p[0], F_GETFL) | O_NONBLOCK);
}

bool drain(Fd& fd, std::string& into) {
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof buf) return true;
      continue;
    }
    if (n == 0) return false;
    return errno == EINTR || errno == EAGAIN;
  }
}

}  // namespace ktstr::vm::qemu
