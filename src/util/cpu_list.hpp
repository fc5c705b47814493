#pragma once
// Public API: include/ktstr/cpu_list.hpp.
#include "ktstr/cpu_list.hpp"
