#pragma once
// CPU sets as sorted vectors and their kernel "cpulist" text form ("0-3,6").
// Shared by checks (isolation messages) and scenarios (cpuset specs).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr::check {

using CpuList = std::vector<uint32_t>;

// Sorted, duplicates removed: every function below returns this form.
CpuList normalized(CpuList cpus);
// "0-3,6"; "" for an empty set.
std::string format_cpulist(const CpuList& cpus);
// Accepts the kernel's syntax ("0-3,6", whitespace tolerated, "" = empty).
// Throws ktstr::Error naming the bad token.
CpuList parse_cpulist(std::string_view text);

CpuList cpu_intersection(const CpuList& a, const CpuList& b);
// Members of `a` not in `b`.
CpuList cpu_difference(const CpuList& a, const CpuList& b);
CpuList cpu_union(const CpuList& a, const CpuList& b);

}  // namespace ktstr::check
