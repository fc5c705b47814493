#include "stats/metrics.hpp"

namespace ktstr::stats {
using nlohmann::json;

namespace {

const json* find(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

void take(MetricValues& out, const json& from, const char* key) {
  if (const json* v = find(from, key); v && v->is_number()) out[key] = v->get<double>();
}

// Worker-side numbers (check::Stats roll-ups): present when the guest
// reported at least one work group.
void from_stats(MetricValues& out, const json& stats) {
  const json* groups = find(stats, "cgroups");
  if (!groups || !groups->is_array() || groups->empty()) return;
  for (const char* k : {"worst_spread", "worst_gap_ms", "total_migrations", "worst_migration_ratio", "total_iterations",
                        "worst_mean_run_delay_us", "worst_run_delay_us"})
    take(out, stats, k);
  // Wake latency exists only for work types that sleep and get woken; a
  // roll-up of zero samples is "not measured", not "0 µs".
  uint64_t samples = 0;
  for (const auto& g : *groups)
    if (const json* n = find(g, "wake_samples"); n && n->is_number()) samples += n->get<uint64_t>();
  if (samples)
    for (const char* k : {"worst_p99_wake_latency_us", "worst_median_wake_latency_us", "worst_wake_latency_cv"})
      take(out, stats, k);
}

// Host-monitor numbers: present when the monitor sampled the guest; the
// sched_ext-only ones (local DSQ depth, fallback and keep-last counters)
// only when a sched_ext scheduler ran ("judged").
void from_monitor(MetricValues& out, const json& monitor) {
  const json* summary = find(monitor, "summary");
  if (!summary || monitor.value("available", true) == false) return;
  const json* samples = find(*summary, "samples");
  if (!samples || !samples->is_number() || samples->get<double>() <= 0) return;
  take(out, *summary, "max_imbalance_ratio");
  take(out, *summary, "stall_count");
  if (monitor.value("judged", false)) {
    take(out, *summary, "max_dsq_depth");
    take(out, *summary, "total_fallback");
    take(out, *summary, "total_keep_last");
  }
}

}  // namespace

const std::vector<MetricDef>& metric_defs() {
  static const std::vector<MetricDef> defs = {
      {"worst_spread", 5, 0.25, false, true},
      {"worst_gap_ms", 500, 0.50, false, true},
      {"total_migrations", 10, 0.30, false, true},
      {"worst_migration_ratio", 0.05, 0.20, false, true},
      {"max_imbalance_ratio", 1.0, 0.25, false, true},
      {"max_dsq_depth", 10, 0.50, false, false},
      {"stall_count", 1, 0.50, false, false},
      {"total_fallback", 5, 0.30, false, true},
      {"total_keep_last", 5, 0.30, false, true},
      {"worst_p99_wake_latency_us", 50, 0.25, false, true},
      {"worst_median_wake_latency_us", 20, 0.25, false, true},
      {"worst_wake_latency_cv", 0.1, 0.25, false, true},
      {"total_iterations", 100, 0.10, true, true},
      {"worst_mean_run_delay_us", 50, 0.25, false, true},
      {"worst_run_delay_us", 100, 0.50, false, true},
  };
  return defs;
}

const MetricDef* find_metric(const std::string& name) {
  for (const auto& d : metric_defs())
    if (d.name == name) return &d;
  return nullptr;
}

MetricValues extract_metrics(const json& record) {
  MetricValues out;
  // Accept the whole record or its `result` (the ScenarioVerdict JSON).
  const json* verdict = find(record, "identity") ? find(record, "result") : &record;
  if (!verdict || !verdict->is_object()) return out;
  if (const json* r = find(*verdict, "result")) {
    if (r->value("skipped", false)) return out;
    if (const json* s = find(*r, "stats")) from_stats(out, *s);
  }
  if (const json* m = find(*verdict, "monitor")) from_monitor(out, *m);
  return out;
}

}  // namespace ktstr::stats
