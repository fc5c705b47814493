#pragma once
// Public API: include/ktstr/scheduler/flag_profiles.hpp.
#include "ktstr/scheduler/flag_profiles.hpp"
