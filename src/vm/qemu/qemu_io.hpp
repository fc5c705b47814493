#pragma once
// Reading the pipes between ktstr and a QEMU child (console, init port,
// stderr; vm/output_pipe.hpp), shared by the boot, snapshot-making and
// restore paths.
#include <string>

#include "util/fd.hpp"

namespace ktstr::vm::qemu {

// Appends what is available to `into`; false at EOF or on error.
bool drain(Fd& fd, std::string& into);

}  // namespace ktstr::vm::qemu
