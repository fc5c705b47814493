#include "workload/futex.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>

#include "workload/clock.hpp"

namespace ktstr::workload {

void futex_wait(uint32_t* addr, uint32_t expected, uint64_t timeout_ns) {
  timespec ts = to_timespec(timeout_ns);
  ::syscall(SYS_futex, addr, FUTEX_WAIT, expected, &ts, nullptr, 0);
}

void futex_wake(uint32_t* addr, int waiters) {
  ::syscall(SYS_futex, addr, FUTEX_WAKE, waiters < 0 ? INT_MAX : waiters, nullptr, nullptr, 0);
}

}  // namespace ktstr::workload
