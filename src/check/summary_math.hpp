#pragma once
// Small statistics used by checks and stats; empty inputs give 0, never NaN,
// so reports and JSON stay well-formed.
#include <cstdint>
#include <vector>

namespace ktstr::check {

double mean_of(const std::vector<double>& v);
// Coefficient of variation: population stddev / mean (0 when mean is 0).
double cv_of(const std::vector<double>& v);
// Nearest-rank percentile, p in [0, 100]; takes a copy because it sorts.
double percentile_of(std::vector<double> v, double p);
std::vector<double> to_doubles(const std::vector<uint64_t>& v);

}  // namespace ktstr::check
