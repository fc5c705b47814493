#include "check/result.hpp"

namespace ktstr::check {

CheckResult CheckResult::skip(std::string reason) {
  CheckResult r;
  r.skipped = true;
  r.skip_reason = std::move(reason);
  return r;
}

void CheckResult::fail(DetailKind kind, std::string message, std::string cgroup) {
  passed = false;
  details.push_back({kind, std::move(message), std::move(cgroup)});
}

void CheckResult::fail_all(std::vector<Detail> failures) {
  if (failures.empty()) return;
  passed = false;
  for (auto& d : failures) details.push_back(std::move(d));
}

void CheckResult::merge(const CheckResult& other) {
  passed = passed && other.passed;
  if (skipped && other.skipped) {
    if (skip_reason.empty()) skip_reason = other.skip_reason;
  } else {
    skipped = false;
    skip_reason.clear();
  }
  details.insert(details.end(), other.details.begin(), other.details.end());
  stats.merge(other.stats);
}

CheckResult merge_results(const std::vector<CheckResult>& results) {
  if (results.empty()) return CheckResult::pass();
  CheckResult out = results.front();
  for (size_t i = 1; i < results.size(); ++i) out.merge(results[i]);
  return out;
}

}  // namespace ktstr::check
