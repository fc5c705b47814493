#pragma once
// Public API: include/ktstr/scheduler/scheduler_def.hpp.
#include "ktstr/scheduler/scheduler_def.hpp"
