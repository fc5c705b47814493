#pragma once
// Non-blocking pipes between ktstr and a QEMU child (console, init port,
// stderr), shared by the boot, snapshot-making and restore paths.
#include <string>

#include "util/fd.hpp"

namespace ktstr::vm::qemu {

struct Pipe {
  Fd r, w;
  Pipe();  // read end O_NONBLOCK: the loops poll several pipes at once
};

// Appends what is available to `into`; false at EOF or on error.
bool drain(Fd& fd, std::string& into);

}  // namespace ktstr::vm::qemu
