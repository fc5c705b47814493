#pragma once
// Topology from text: a preset name ("smt-2llc"), "N,L,C,T", or a name as
// produced by Topology::name() ("1n2l4c1t", "2n3l2c1t:1l,2l512m").
#include <string_view>

#include "topology/topology.hpp"

namespace ktstr::topology {

// Returns a validated topology (against kDefaultMaxCpus); throws ktstr::Error
// that says which forms are accepted.
Topology parse_topology(std::string_view text);

}  // namespace ktstr::topology
