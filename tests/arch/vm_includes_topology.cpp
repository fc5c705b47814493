// The control: vm/ declares topology, so the same compile with this include
// succeeds -- the failure of vm_includes_scenario.cpp is the include itself.
#include "topology/topology.hpp"
