// topology's names for the one CPU-list implementation (util/cpu_list):
// the parser and formatter live there only.
#include "topology/cpuset.hpp"

#include "util/cpu_list.hpp"

namespace ktstr::topology {

CpuSet normalize(CpuSet s) { return ktstr::normalized(std::move(s)); }
std::string format_cpu_list(const CpuSet& s) { return ktstr::format_cpu_list(s); }
CpuSet parse_cpu_list(std::string_view text) { return ktstr::parse_cpu_list(text); }

}  // namespace ktstr::topology
