#pragma once
// The verdict of a run (or of one part of it): passed / skipped, the
// failure details, and the stats. Guest, monitor and hard-failure verdicts
// are all CheckResults so they merge into one.
#include <string>
#include <vector>

#include "ktstr/check/detail.hpp"
#include "ktstr/check/stats.hpp"

namespace ktstr::check {

struct CheckResult {
  bool passed = true;
  bool skipped = false;
  std::string skip_reason;
  std::vector<Detail> details;
  Stats stats;

  static CheckResult pass() { return {}; }
  static CheckResult skip(std::string reason);

  // Records a failure.
  void fail(DetailKind kind, std::string message, std::string cgroup = {});
  // Records each as a failure; no-op for an empty list.
  void fail_all(std::vector<Detail> failures);

  // Combines two verdicts: passed only if both passed, skipped only if both
  // skipped (a skip next to a real run is not a skip), details appended,
  // stats merged.
  void merge(const CheckResult& other);

  bool operator==(const CheckResult&) const = default;
};

// Merge of all; an empty list is a pass.
CheckResult merge_results(const std::vector<CheckResult>& results);

}  // namespace ktstr::check
