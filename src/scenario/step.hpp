#pragma once
// Public API: include/ktstr/scenario/step.hpp.
#include "ktstr/scenario/step.hpp"
