#pragma once
// Public API: include/ktstr/topology/presets.hpp.
#include "ktstr/topology/presets.hpp"
