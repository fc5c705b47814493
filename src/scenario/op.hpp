#pragma once
// Public API: include/ktstr/scenario/op.hpp.
#include "ktstr/scenario/op.hpp"
