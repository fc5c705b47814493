#pragma once
// Public API: include/ktstr/topology/topology.hpp.
#include "ktstr/topology/topology.hpp"
