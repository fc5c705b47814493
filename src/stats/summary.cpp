#include "stats/summary.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "stats/identity.hpp"

namespace ktstr::stats {
using nlohmann::json;

namespace {

constexpr double kOutlierSigmas = 2.0;

struct Row {
  std::string test;
  json record;
  MetricValues m;
};

std::string test_of(const json& r) {
  std::string t = identity_value(r, "test"), v = identity_value(r, "variant");
  return v.empty() ? t : t + "/" + v;
}

MetricSummary summarize_metric(const std::vector<const Row*>& rows, const std::string& name) {
  MetricSummary s{.name = name};
  double sum = 0;
  for (const auto* r : rows)
    if (auto it = r->m.find(name); it != r->m.end()) {
      sum += it->second;
      ++s.n;
    }
  if (!s.n) return s;
  s.mean = sum / static_cast<double>(s.n);
  double sq = 0;
  for (const auto* r : rows)
    if (auto it = r->m.find(name); it != r->m.end()) sq += (it->second - s.mean) * (it->second - s.mean);
  s.sd = std::sqrt(sq / static_cast<double>(s.n));
  return s;
}

GroupSummary summarize_group(std::string by, std::string value, const std::vector<const Row*>& rows) {
  GroupSummary g{.by = std::move(by), .value = std::move(value), .records = rows.size()};
  for (const auto& d : metric_defs()) {
    auto s = summarize_metric(rows, d.name);
    if (s.n) g.metrics.push_back(s);
  }
  return g;
}

std::string num(double v) {
  double a = std::fabs(v);
  if (a != 0 && (a < 0.01 || a >= 1e7)) return fmt::format("{:.3g}", v);
  if (a >= 1000 || v == std::floor(v)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.3f}", v);
}

}  // namespace

RunSummary summarize_run(const std::string& run_id, const std::vector<json>& records) {
  RunSummary s{.run_id = run_id, .records = records.size()};
  std::vector<Row> rows;
  for (const auto& r : records) {
    std::string v = r.value("verdict", std::string());
    s.passed += v == "PASS";
    s.failed += v == "FAIL";
    s.skipped += v == "SKIP";
    if (v != "SKIP") rows.push_back({test_of(r), r, extract_metrics(r)});
  }
  std::vector<const Row*> all;
  for (const auto& r : rows) all.push_back(&r);
  s.groups.push_back(summarize_group("all", "", all));
  for (const char* by : {"test", "topology", "work_type"}) {
    std::map<std::string, std::vector<const Row*>> groups;
    for (const auto& r : rows) groups[std::string(by) == "test" ? r.test : identity_value(r.record, by)].push_back(&r);
    // A dimension with a single value says nothing beyond "all".
    if (groups.size() < 2 && std::string(by) != "test") continue;
    for (const auto& [value, members] : groups)
      s.groups.push_back(summarize_group(by, value.empty() ? "(catalog)" : value, members));
  }
  // Outliers against the whole run: a record far out in the bad direction.
  for (const auto& m : s.groups.front().metrics) {
    if (m.n < 3 || m.sd == 0) continue;
    bool hib = find_metric(m.name)->higher_is_better;
    for (const auto& r : rows)
      if (auto it = r.m.find(m.name); it != r.m.end()) {
        double z = (it->second - m.mean) / m.sd;
        if (hib ? z < -kOutlierSigmas : z > kOutlierSigmas)
          s.outliers.push_back({r.test, m.name, it->second, m.mean, m.sd});
      }
  }
  return s;
}

json RunSummary::to_json() const {
  json groups_j = json::array();
  for (const auto& g : groups) {
    json ms = json::array();
    for (const auto& m : g.metrics) ms.push_back({{"name", m.name}, {"n", m.n}, {"mean", m.mean}, {"sd", m.sd}});
    groups_j.push_back({{"by", g.by}, {"value", g.value}, {"records", g.records}, {"metrics", ms}});
  }
  json out_j = json::array();
  for (const auto& o : outliers)
    out_j.push_back({{"test", o.test}, {"metric", o.metric}, {"value", o.value}, {"mean", o.mean}, {"sd", o.sd}});
  return {{"run_id", run_id}, {"records", records}, {"passed", passed}, {"failed", failed},
          {"skipped", skipped}, {"groups", groups_j}, {"outliers", out_j}};
}

std::string format_summary(const RunSummary& s, bool color) {
  std::string out = fmt::format("run {}: {} record(s): {} passed, {} failed, {} skipped\n", s.run_id, s.records,
                                s.passed, s.failed, s.skipped);
  const auto& all = s.groups.front();
  out += fmt::format("\n{:<29} {:>4} {:>10} {:>10}\n", "metric (all records)", "n", "mean", "sd");
  for (const auto& m : all.metrics) out += fmt::format("{:<29} {:>4} {:>10} {:>10}\n", m.name, m.n, num(m.mean), num(m.sd));
  std::string by;
  for (size_t i = 1; i < s.groups.size(); ++i) {
    const auto& g = s.groups[i];
    if (g.by != by) {
      by = g.by;
      out += fmt::format("\nby {}: mean (sd) of worst_spread, worst_gap_ms, total_iterations, worst_run_delay_us\n", by);
    }
    auto cell = [&](const char* name) {
      for (const auto& m : g.metrics)
        if (m.name == name) return g.records > 1 ? fmt::format("{} ({})", num(m.mean), num(m.sd)) : num(m.mean);
      return std::string("-");
    };
    out += fmt::format("  {:<24} x{:<3} {:>16} {:>16} {:>18} {:>16}\n", g.value, g.records, cell("worst_spread"),
                       cell("worst_gap_ms"), cell("total_iterations"), cell("worst_run_delay_us"));
  }
  out += fmt::format("\noutliers (beyond mean {} 2 sd of the run): {}\n", "+/-", s.outliers.size());
  for (const auto& o : s.outliers)
    out += fmt::format("  {}{:<24}{} {:<29} {:>10}  (mean {}, sd {})\n", color ? "\033[1;33m" : "", o.test,
                       color ? "\033[0m" : "", o.metric, num(o.value), num(o.mean), num(o.sd));
  return out;
}

}  // namespace ktstr::stats
