#pragma once
// Public API: include/ktstr/check/worker_stats.hpp.
#include "ktstr/check/worker_stats.hpp"
