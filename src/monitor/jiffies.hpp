#pragma once
// The kernel's wrap-safe jiffies comparisons (include/linux/jiffies.h),
// for values read from guest memory.
#include <cstdint>

namespace ktstr::monitor {

// a is after b, also across a wrap of the 64-bit counter.
inline bool time_after(uint64_t a, uint64_t b) { return static_cast<int64_t>(b - a) < 0; }
inline bool time_before(uint64_t a, uint64_t b) { return time_after(b, a); }

}  // namespace ktstr::monitor
