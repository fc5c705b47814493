#pragma once
// The one CPU-set type of ktstr and the kernel's CPU-list text form
// ("0-3,8,10-11", as in sysfs cpulist/shared_cpu_list/thread_siblings_list
// and cpuset.cpus). Topologies, scenarios, checks and workers all use it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr {

// Sorted ascending, no duplicates (every function below returns this
// form). A plain vector keeps it trivially comparable and printable in
// test failures.
using CpuList = std::vector<uint32_t>;

// Sorts and removes duplicates.
CpuList normalized(CpuList cpus);

// "0-3,8,10-11"; "" for the empty set. Accepts any order and duplicates.
std::string format_cpu_list(const CpuList& cpus);

// The kernel's syntax: comma-separated CPUs and inclusive ranges, whitespace
// around items ignored, "" (or only whitespace) = the empty set. Throws
// ktstr::Error quoting the list and naming what is wrong: a token that is
// not a CPU number, an empty item ("0,,1", "1-"), a backward range, a CPU
// beyond what any kernel supports (bounds what a typo may allocate).
CpuList parse_cpu_list(std::string_view text);

CpuList cpu_intersection(const CpuList& a, const CpuList& b);
// Members of `a` not in `b`.
CpuList cpu_difference(const CpuList& a, const CpuList& b);
CpuList cpu_union(const CpuList& a, const CpuList& b);

}  // namespace ktstr
