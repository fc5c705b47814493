#pragma once
// Readers for the per-task /proc files a worker samples about itself.
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

namespace ktstr::workload {

struct SchedstatSample {
  uint64_t cpu_time_ns = 0;
  uint64_t run_delay_ns = 0;
  uint64_t run_count = 0;
};

// Parses "<cpu_ns> <delay_ns> <count>"; nullopt if malformed.
std::optional<SchedstatSample> parse_schedstat(std::string_view text);
// /proc/thread-self/schedstat; nullopt when the kernel lacks CONFIG_SCHED_INFO.
std::optional<SchedstatSample> read_schedstat();

// Sums the "N<node>=<pages>" fields of numa_maps text per node.
std::map<int, uint64_t> parse_numa_maps(std::string_view text);
// /proc/self/numa_maps; empty when absent (no CONFIG_NUMA).
std::map<int, uint64_t> read_numa_pages();

// The "numa_pages_migrated" line of /proc/<pid>/sched text.
std::optional<uint64_t> parse_numa_pages_migrated(std::string_view sched_text);
// From /proc/thread-self/sched; nullopt without CONFIG_SCHED_DEBUG/NUMA_BALANCING.
std::optional<uint64_t> read_numa_pages_migrated();

}  // namespace ktstr::workload
