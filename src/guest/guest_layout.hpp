#pragma once
// The CPU layout scenarios resolve against, read back from the guest's own
// sysfs (never from what the host asked for).
#include "scenario/cpu_layout.hpp"
#include "topology/sysfs_topology.hpp"

namespace ktstr::guest {

scenario::CpuLayout layout_from_observed(const topology::ObservedTopology& o);

}  // namespace ktstr::guest
