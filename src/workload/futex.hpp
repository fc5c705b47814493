#pragma once
// Shared (not FUTEX_PRIVATE) futex calls: the words live in MAP_SHARED
// memory used by several worker processes.
#include <cstdint>

namespace ktstr::workload {

// Sleeps while *addr == expected, at most timeout_ns. Spurious returns are
// fine: callers re-check their condition in a loop.
void futex_wait(uint32_t* addr, uint32_t expected, uint64_t timeout_ns);
void futex_wake(uint32_t* addr, int waiters);

}  // namespace ktstr::workload
