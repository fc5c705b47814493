// check's names for the one CPU-list implementation (util/cpu_list): the
// parser and formatter live there only. (The check:: names stay so that
// the public headers do not change in this step.)
#include "check/cpulist.hpp"

#include "util/cpu_list.hpp"

namespace ktstr::check {

CpuList normalized(CpuList cpus) { return ktstr::normalized(std::move(cpus)); }
std::string format_cpulist(const CpuList& cpus) { return ktstr::format_cpu_list(cpus); }
CpuList parse_cpulist(std::string_view text) { return ktstr::parse_cpu_list(text); }
CpuList cpu_intersection(const CpuList& a, const CpuList& b) { return ktstr::cpu_intersection(a, b); }
CpuList cpu_difference(const CpuList& a, const CpuList& b) { return ktstr::cpu_difference(a, b); }
CpuList cpu_union(const CpuList& a, const CpuList& b) { return ktstr::cpu_union(a, b); }

}  // namespace ktstr::check
