#pragma once
// CPU sets and the kernel's CPU-list syntax ("0-3,8,10-11"), as used by
// sysfs (cpulist, shared_cpu_list, thread_siblings_list) and cpuset.cpus.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr::topology {

// Sorted ascending, no duplicates. A plain vector keeps it trivially
// comparable and printable in test failures.
using CpuSet = std::vector<uint32_t>;

// Sorts and removes duplicates.
CpuSet normalize(CpuSet s);

// "0-3,8,10-11"; "" for the empty set.
std::string format_cpu_list(const CpuSet& s);

// Parses the kernel's list syntax: comma-separated CPUs and inclusive ranges,
// surrounding whitespace/newline ignored, "" = empty set. Throws ktstr::Error
// naming the offending text (reversed range, non-number, stray comma).
CpuSet parse_cpu_list(std::string_view text);

}  // namespace ktstr::topology
