#pragma once
// Public API: include/ktstr/check/report.hpp.
#include "ktstr/check/report.hpp"
