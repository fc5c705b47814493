#include "check/result_json.hpp"

#include "util/error.hpp"

namespace ktstr::check {
using nlohmann::json;

namespace {

template <typename T>
void get_opt(const json& j, const char* key, T& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) it->get_to(out);
}

void expect_object(const json& j, const char* what) {
  if (!j.is_object()) fail("{}: expected a JSON object, got {}", what, j.dump());
}

}  // namespace

void to_json(json& j, const Detail& d) {
  j = json{{"kind", kind_name(d.kind)}, {"message", d.message}};
  if (!d.cgroup.empty()) j["cgroup"] = d.cgroup;
}

void from_json(const json& j, Detail& d) {
  expect_object(j, "detail");
  d = Detail{};
  // An unknown kind from a newer guest is still a failure worth showing.
  d.kind = kind_from_name(j.value("kind", "other")).value_or(DetailKind::other);
  get_opt(j, "message", d.message);
  get_opt(j, "cgroup", d.cgroup);
}

void to_json(json& j, const CgroupStats& c) {
  j = json{{"cgroup", c.cgroup},
           {"work_type", c.work_type},
           {"workers", c.workers},
           {"cpus", c.cpus},
           {"off_cpu_avg_pct", c.off_cpu_avg_pct},
           {"off_cpu_min_pct", c.off_cpu_min_pct},
           {"off_cpu_max_pct", c.off_cpu_max_pct},
           {"spread_pct", c.spread_pct},
           {"max_gap_ms", c.max_gap_ms},
           {"max_gap_cpu", c.max_gap_cpu},
           {"migrations", c.migrations},
           {"migration_ratio", c.migration_ratio},
           {"p99_wake_latency_us", c.p99_wake_latency_us},
           {"median_wake_latency_us", c.median_wake_latency_us},
           {"wake_latency_cv", c.wake_latency_cv},
           {"wake_samples", c.wake_samples},
           {"iterations", c.iterations},
           {"work_units", c.work_units},
           {"mean_run_delay_us", c.mean_run_delay_us},
           {"max_run_delay_us", c.max_run_delay_us}};
  if (c.page_locality) j["page_locality"] = *c.page_locality;
}

void from_json(const json& j, CgroupStats& c) {
  expect_object(j, "cgroup stats");
  c = CgroupStats{};
  get_opt(j, "cgroup", c.cgroup);
  get_opt(j, "work_type", c.work_type);
  get_opt(j, "workers", c.workers);
  get_opt(j, "cpus", c.cpus);
  get_opt(j, "off_cpu_avg_pct", c.off_cpu_avg_pct);
  get_opt(j, "off_cpu_min_pct", c.off_cpu_min_pct);
  get_opt(j, "off_cpu_max_pct", c.off_cpu_max_pct);
  get_opt(j, "spread_pct", c.spread_pct);
  get_opt(j, "max_gap_ms", c.max_gap_ms);
  get_opt(j, "max_gap_cpu", c.max_gap_cpu);
  get_opt(j, "migrations", c.migrations);
  get_opt(j, "migration_ratio", c.migration_ratio);
  get_opt(j, "p99_wake_latency_us", c.p99_wake_latency_us);
  get_opt(j, "median_wake_latency_us", c.median_wake_latency_us);
  get_opt(j, "wake_latency_cv", c.wake_latency_cv);
  get_opt(j, "wake_samples", c.wake_samples);
  get_opt(j, "iterations", c.iterations);
  get_opt(j, "work_units", c.work_units);
  get_opt(j, "mean_run_delay_us", c.mean_run_delay_us);
  get_opt(j, "max_run_delay_us", c.max_run_delay_us);
  if (auto it = j.find("page_locality"); it != j.end() && !it->is_null()) c.page_locality = it->get<double>();
}

void to_json(json& j, const ControlStats& c) {
  j = json{{"check", c.check},       {"cgroup", c.cgroup},     {"window", c.window},
           {"measured", c.measured}, {"expected", c.expected}, {"text", c.text}};
}

void from_json(const json& j, ControlStats& c) {
  expect_object(j, "control stats");
  c = ControlStats{};
  get_opt(j, "check", c.check);
  get_opt(j, "cgroup", c.cgroup);
  get_opt(j, "window", c.window);
  get_opt(j, "measured", c.measured);
  get_opt(j, "expected", c.expected);
  get_opt(j, "text", c.text);
}

void to_json(json& j, const Stats& s) {
  j = json{{"cgroups", s.cgroups},
           {"total_workers", s.total_workers},
           {"total_cpus", s.total_cpus},
           {"total_migrations", s.total_migrations},
           {"total_iterations", s.total_iterations},
           {"worst_spread", s.worst_spread},
           {"worst_gap_ms", s.worst_gap_ms},
           {"worst_gap_cpu", s.worst_gap_cpu},
           {"worst_migration_ratio", s.worst_migration_ratio},
           {"worst_p99_wake_latency_us", s.worst_p99_wake_latency_us},
           {"worst_median_wake_latency_us", s.worst_median_wake_latency_us},
           {"worst_wake_latency_cv", s.worst_wake_latency_cv},
           {"worst_mean_run_delay_us", s.worst_mean_run_delay_us},
           {"worst_run_delay_us", s.worst_run_delay_us}};
  if (!s.controls.empty()) j["controls"] = s.controls;
}

void from_json(const json& j, Stats& s) {
  expect_object(j, "stats");
  s = Stats{};
  std::vector<CgroupStats> groups;
  get_opt(j, "cgroups", groups);
  for (auto& g : groups) s.add(std::move(g));
  get_opt(j, "controls", s.controls);
}

void to_json(json& j, const CheckResult& r) {
  j = json{{"passed", r.passed}, {"skipped", r.skipped}, {"details", r.details}, {"stats", r.stats}};
  if (r.skipped) j["skip_reason"] = r.skip_reason;
}

void from_json(const json& j, CheckResult& r) {
  expect_object(j, "check result");
  r = CheckResult{};
  get_opt(j, "passed", r.passed);
  get_opt(j, "skipped", r.skipped);
  get_opt(j, "skip_reason", r.skip_reason);
  get_opt(j, "details", r.details);
  get_opt(j, "stats", r.stats);
}

}  // namespace ktstr::check
