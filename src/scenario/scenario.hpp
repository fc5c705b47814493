#pragma once
// Public API: include/ktstr/scenario/scenario.hpp.
#include "ktstr/scenario/scenario.hpp"
