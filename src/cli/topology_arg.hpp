#pragma once
// --topology parsing: "N,L,C,T" or "1n2l4c1t". (Presets arrive with the
// topology model.)
#include <string>

#include "vm/vm_spec.hpp"

namespace ktstr::cli {
vm::VmTopology parse_topology_arg(const std::string& s);
}
