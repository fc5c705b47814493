#include "check/summary_math.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ktstr::check {

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return 0;
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double cv_of(const std::vector<double>& v) {
  double m = mean_of(v);
  if (v.empty() || m == 0) return 0;
  double sq = 0;
  for (double x : v) sq += (x - m) * (x - m);
  return std::sqrt(sq / static_cast<double>(v.size())) / m;
}

double percentile_of(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  // Nearest rank: the smallest value with at least p% of samples at or below it.
  double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(v.size()));
  size_t idx = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return v[std::min(idx, v.size() - 1)];
}

std::vector<double> to_doubles(const std::vector<uint64_t>& v) { return std::vector<double>(v.begin(), v.end()); }

}  // namespace ktstr::check
