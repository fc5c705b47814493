#pragma once
// Cheap clocks for checkpoints: vDSO clock_gettime, no syscall.
#include <time.h>

#include <cstdint>

namespace ktstr::workload {

inline uint64_t to_ns(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

inline timespec to_timespec(uint64_t ns) {
  timespec ts;
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000ull);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000ull);
  return ts;
}

// CLOCK_MONOTONIC in ns: the time base for checkpoints, wakes and stamps
// shared between workers (it is system-wide, so comparable across processes).
inline uint64_t now_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return to_ns(ts);
}

// CPU time consumed by the calling thread (workers are single-threaded).
inline uint64_t thread_cpu_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return to_ns(ts);
}

}  // namespace ktstr::workload
