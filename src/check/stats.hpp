#pragma once
// Public API: include/ktstr/check/stats.hpp.
#include "ktstr/check/stats.hpp"
