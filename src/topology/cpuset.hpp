#pragma once
// Public API: include/ktstr/topology/cpuset.hpp.
#include "ktstr/topology/cpuset.hpp"
