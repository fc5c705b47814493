#pragma once

namespace ktstr::guest {
// Entry point when ktstr runs as PID 1 inside a guest. Never returns: it
// powers the VM off.
[[noreturn]] void init_main();
}  // namespace ktstr::guest
