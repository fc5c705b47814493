#pragma once
// `ktstr stats [RUN]`: one run's records, per metric mean and standard
// deviation overall and grouped by scenario, topology and work type, and
// the outliers: records beyond mean + 2σ in the metric's bad direction
// (below mean - 2σ for higher-is-better metrics).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/metrics.hpp"

namespace ktstr::stats {

struct MetricSummary {
  std::string name;
  size_t n = 0;        // records carrying the metric
  double mean = 0, sd = 0;  // population standard deviation
};

struct GroupSummary {
  std::string by;     // "all", "test", "topology", "work_type"
  std::string value;  // the group's value ("" for "all")
  size_t records = 0;
  std::vector<MetricSummary> metrics;  // metrics with n > 0, in metric order
};

struct Outlier {
  std::string test;   // test (and variant) of the record
  std::string metric;
  double value = 0, mean = 0, sd = 0;
};

struct RunSummary {
  std::string run_id;
  size_t records = 0, passed = 0, failed = 0, skipped = 0;
  std::vector<GroupSummary> groups;
  std::vector<Outlier> outliers;
  nlohmann::json to_json() const;
};

// Records of one run (contract shape). Skipped records count but carry no metrics.
RunSummary summarize_run(const std::string& run_id, const std::vector<nlohmann::json>& records);

std::string format_summary(const RunSummary& s, bool color);

}  // namespace ktstr::stats
