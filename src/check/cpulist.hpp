#pragma once
// Public API: include/ktstr/check/cpulist.hpp.
#include "ktstr/check/cpulist.hpp"
