#pragma once
// Public API: include/ktstr/check/thresholds.hpp.
#include "ktstr/check/thresholds.hpp"
