#pragma once
// Public API: include/ktstr/scenario/work.hpp.
#include "ktstr/scenario/work.hpp"
