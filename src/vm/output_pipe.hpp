#pragma once
// A pipe carrying a VM's console or UART bytes to the backend's run loop
// (QEMU's stdio, or the own VMM's vCPU threads writing UART output). The
// loop polls several of them, so a read must never block it; writers block,
// so nothing is lost.
#include <fcntl.h>
#include <unistd.h>

#include "util/error.hpp"
#include "util/fd.hpp"

namespace ktstr::vm {

struct OutputPipe {
  Fd r, w;
  // capacity_bytes > 0: ask for a larger pipe buffer (best effort) so chatty
  // guests stall their writer less often.
  explicit OutputPipe(int capacity_bytes = 0) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) fail_errno("pipe");
    r.reset(p[0]);
    w.reset(p[1]);
    ::fcntl(p[0], F_SETFL, ::fcntl(p[0], F_GETFL) | O_NONBLOCK);
    if (capacity_bytes > 0) ::fcntl(p[1], F_SETPIPE_SZ, capacity_bytes);
  }
};

}  // namespace ktstr::vm
