#pragma once
// Public API: include/ktstr/scenario/cpuset_spec.hpp.
#include "ktstr/scenario/cpuset_spec.hpp"
