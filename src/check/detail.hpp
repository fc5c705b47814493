#pragma once
// Public API: include/ktstr/check/detail.hpp.
#include "ktstr/check/detail.hpp"
