#pragma once
// Public API: include/ktstr/scenario/cpu_layout.hpp.
#include "ktstr/scenario/cpu_layout.hpp"
