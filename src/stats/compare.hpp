#pragma once
// `stats compare`: two sides of records, paired on the identity fields
// they share, repetitions averaged per side, every metric judged with both
// gates. The JSON is the contract of docs/record_contract.md (the HTML
// report renders it).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/policy.hpp"
#include "store/selector.hpp"

namespace ktstr::stats {

struct MetricVerdict {
  std::string name;
  std::optional<double> a, b, delta, relative;  // relative: unset when a is 0 (any change is infinite)
  double abs_gate = 0, rel_gate = 0;
  double fold_gate = 0;  // emulation allowance (0: none)
  bool higher_is_better = false;
  std::string verdict;  // "regression" | "improvement" | "unchanged" | "missing"
};

// Pure judgement of one metric (averages already taken).
MetricVerdict judge(const MetricDef& gates, std::optional<double> a, std::optional<double> b);

struct Pair {
  nlohmann::json key;  // identity fields that are not compared
  size_t a_n = 0, b_n = 0;
  std::vector<MetricVerdict> metrics;
};

struct Comparison {
  std::string a_selector, b_selector;
  size_t a_records = 0, b_records = 0;
  std::vector<std::string> compared;  // identity fields left out of the pairing key
  bool emulated = false;              // the emulation allowance applied
  std::vector<Pair> pairs;
  std::vector<nlohmann::json> unpaired_a, unpaired_b;
  int regressions = 0, improvements = 0;
  nlohmann::json to_json() const;
};

// Whether a record ran under software emulation (QEMU TCG).
bool record_emulated(const nlohmann::json& record);

// Throws Error (exit 2) when a side is empty or nothing pairs.
Comparison compare(const std::vector<nlohmann::json>& a, const std::vector<nlohmann::json>& b,
                   const store::Selector& sa, const store::Selector& sb, const Policy& policy);

// The human table; `color` adds ANSI verdict colours (TTY only).
std::string format_comparison(const Comparison& c, bool color);

}  // namespace ktstr::stats
