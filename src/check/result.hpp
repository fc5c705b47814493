#pragma once
// Public API: include/ktstr/check/result.hpp.
#include "ktstr/check/result.hpp"
