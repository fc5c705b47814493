#pragma once
// Bounds on numeric options. An absurd value is a usage error (exit 2)
// before anything starts, not a VM that fails in a confusing way later
// (QEMU refusing 1 MiB of RAM, a 0 s deadline, 100000 workers per cgroup).
#include <cstdint>

namespace ktstr::cli {

inline constexpr unsigned kMaxWorkers = 1024;                 // per cgroup
inline constexpr unsigned kMinDurationMs = 100;               // shorter: checks see nothing
inline constexpr unsigned kMaxDurationMs = 24u * 3600 * 1000;  // one day
inline constexpr uint64_t kMinMemoryMb = 128;                 // the kernel + initramfs need this much
inline constexpr uint64_t kMaxMemoryMb = uint64_t{1} << 22;   // 4 TiB; the host's RAM is checked too
inline constexpr unsigned kMaxTimeoutS = 7u * 24 * 3600;      // one week
inline constexpr int kMaxWatchdogMs = 600'000;                // sched_ext's own ceiling is 30 s by default
inline constexpr unsigned kMaxJobs = 1024;

// Fails (exit 2) when the guest would get more memory than the host has.
void check_memory_fits_host(uint64_t memory_mb);

}  // namespace ktstr::cli
