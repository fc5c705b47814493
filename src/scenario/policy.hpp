#pragma once
// Public API: include/ktstr/scenario/policy.hpp.
#include "ktstr/scenario/policy.hpp"
