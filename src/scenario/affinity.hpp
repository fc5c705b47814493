#pragma once
// Public API: include/ktstr/scenario/affinity.hpp.
#include "ktstr/scenario/affinity.hpp"
