#pragma once
// Public API: include/ktstr/scenario/cgroup_def.hpp.
#include "ktstr/scenario/cgroup_def.hpp"
