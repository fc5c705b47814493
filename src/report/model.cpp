#include "report/model.hpp"

#include <chrono>
#include <map>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include "report/json_access.hpp"

namespace ktstr::report {
using nlohmann::json;

namespace {

using detail::at;
using detail::str;

// Scalar statistics worth a glance, in this order (check/result_json.cpp
// writes them; a record of another version may have more or fewer).
const char* const kKeyStats[] = {"worst_spread",        "worst_gap_ms",          "worst_gap_cpu",
                                 "worst_migration_ratio", "worst_run_delay_us",  "worst_mean_run_delay_us",
                                 "worst_p99_wake_latency_us", "worst_median_wake_latency_us",
                                 "worst_wake_latency_cv", "total_iterations",    "total_migrations",
                                 "total_workers",       "total_cpus"};

// Wake latency exists only for work types that sleep and get woken: with
// no wake sample in any cgroup the roll-up's 0 means "not measured" and is
// shown as a dash, not as 0 µs (stats/metrics.cpp applies the same rule).
bool wake_latency_measured(const json& stats) {
  for (const auto& g : at(stats, "cgroups"))
    if (const json& n = at(g, "wake_samples"); n.is_number() && n.get<double>() > 0) return true;
  return false;
}

json key_stats(const json& stats) {
  json out = json::array();
  if (!stats.is_object()) return out;
  const bool wake_measured = wake_latency_measured(stats);
  std::set<std::string> seen;
  for (const char* k : kKeyStats)
    if (auto it = stats.find(k); it != stats.end() && it->is_number()) {
      const bool unmeasured = !wake_measured && std::string_view(k).find("wake_latency") != std::string_view::npos;
      out.push_back({{"name", k}, {"value", unmeasured ? json(nullptr) : *it}});
      seen.insert(k);
    }
  // Anything else scalar that a newer check adds, after the known ones.
  for (auto it = stats.begin(); it != stats.end(); ++it)
    if (it->is_number() && !seen.count(it.key())) out.push_back({{"name", it.key()}, {"value", *it}});
  return out;
}

json cgroup_rows(const json& stats) {
  json out = json::array();
  const json& cgs = at(stats, "cgroups");
  if (!cgs.is_array()) return out;
  static const char* const cols[] = {"cgroup",     "work_type",  "workers",          "cpus",
                                     "spread_pct", "max_gap_ms", "off_cpu_avg_pct", "migrations",
                                     "p99_wake_latency_us", "mean_run_delay_us", "iterations"};
  for (const auto& c : cgs) {
    json row = json::object();
    for (const char* k : cols)
      if (c.contains(k)) row[k] = c[k];
    if (const json& n = at(c, "wake_samples"); n.is_number() && n.get<double>() == 0 && row.contains("p99_wake_latency_us"))
      row["p99_wake_latency_us"] = nullptr;  // not measured, shown as a dash
    out.push_back(row);
  }
  return out;
}

// The part of the monitor's timeline the page draws. Series are kept
// as the monitor stored them ([cpu][sample] integer arrays).
json timeline(const json& mon) {
  const json& tl = at(mon, "timeline");
  const json& s = at(tl, "samples");
  json out{{"t", at(s, "t").is_array() ? at(s, "t") : json::array()}, {"events", json::array()}};
  for (const char* k : {"nr_running", "local_dsq", "scx"})
    out[k] = at(s, k).is_array() ? at(s, k) : json::array();
  out["stride"] = at(s, "stride").is_number() ? at(s, "stride") : json(1);
  for (const auto& e : at(tl, "events"))
    if (e.is_object() && at(e, "t").is_number()) out["events"].push_back({{"t", e["t"]}, {"event", str(e, "event")}});
  return out;
}

json monitor_view(const json& mon) {
  if (!mon.is_object()) return nullptr;
  json out{{"available", at(mon, "available").is_boolean() ? at(mon, "available") : json(true)},
           {"judged", at(mon, "judged").is_boolean() ? at(mon, "judged") : json(false)},
           {"interval_ms", at(mon, "interval_ms")},
           {"cpus", at(mon, "cpus")},
           {"summary", at(mon, "summary").is_object() ? at(mon, "summary") : json::object()},
           {"verdicts", json::array()},
           {"notes", at(mon, "notes").is_array() ? at(mon, "notes") : json::array()}};
  if (at(mon, "unavailable").is_string()) out["unavailable"] = mon["unavailable"];
  if (at(mon, "unattached").is_string()) out["unattached"] = mon["unattached"];
  for (const auto& v : at(mon, "verdicts")) {
    if (!v.is_object()) continue;
    json x{{"check", str(v, "check")}, {"cpu", at(v, "cpu").is_number() ? v["cpu"] : json(-1)},
           {"t", at(v, "t").is_number() ? v["t"] : json(0)}, {"message", str(v, "message")}};
    for (const char* k : {"value", "threshold", "samples", "idle_cpus"})
      if (v.contains(k)) x[k] = v[k];
    out["verdicts"].push_back(x);
  }
  return out;
}

json scheduler_view(const json& s) {
  if (!s.is_object()) return nullptr;
  json out = json::object();
  for (const char* k : {"ops", "failure", "message", "process_exit", "attach_seconds", "log", "ok"})
    if (s.contains(k)) out[k] = s[k];
  if (const json& ke = at(s, "kernel_exit"); ke.is_object()) {
    out["kernel_exit"] = str(ke, "kind");
    if (at(ke, "reason").is_array() && !ke["reason"].empty()) out["kernel_exit_reason"] = ke["reason"];
  }
  return out;
}

json test_view(const json& r, size_t index) {
  const json& res = at(r, "result");      // ScenarioVerdict::to_json()
  const json& check = at(res, "result");  // check::CheckResult
  json t{{"index", index},
         {"label", test_label(r)},
         {"record_id", at(r, "id")},
         {"run_id", str(r, "run_id")},
         {"started", str(r, "started")},
         {"identity", at(r, "identity")},
         {"verdict", str(r, "verdict")},
         {"seconds", at(r, "seconds").is_number() ? r["seconds"] : json(0)},
         {"details", at(check, "details").is_array() ? check["details"] : json::array()},
         {"key_stats", key_stats(at(check, "stats"))},
         {"cgroups", cgroup_rows(at(check, "stats"))},
         {"monitor", monitor_view(at(res, "monitor"))},
         {"scheduler", scheduler_view(at(res, "scheduler"))},
         {"host", at(r, "host").is_object() ? r["host"] : json::object()}};
  if (at(check, "skip_reason").is_string()) t["skip_reason"] = check["skip_reason"];
  if (at(res, "failure").is_string()) t["failure"] = res["failure"];
  if (at(res, "monitor").is_object()) t["timeline"] = timeline(res["monitor"]);
  json wd = json::array();
  for (const auto& e : at(res, "watchdog"))
    if (e.is_object() && at(e, "t").is_number())
      wd.push_back({{"t", e["t"]}, {"kind", str(e, "kind")}, {"detail", str(e, "detail")}});
  t["watchdog"] = wd;
  return t;
}

std::string now_utc() {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", now);
}

}  // namespace

std::string test_label(const json& r) {
  const json& id = at(r, "identity");
  std::string name = str(id, "test");
  std::string variant = str(id, "variant");
  return variant.empty() ? name : fmt::format("{} [{}]", name, variant);
}

json report_model(const std::vector<json>& records, const json& compare) {
  json tests = json::array();
  // Runs in the order they first appear.
  std::vector<std::string> order;
  std::map<std::string, json> runs;
  for (size_t i = 0; i < records.size(); ++i) {
    const json& r = records[i];
    tests.push_back(test_view(r, i));
    std::string id = str(r, "run_id");
    if (!runs.count(id)) {
      order.push_back(id);
      runs[id] = {{"run_id", id}, {"tests", 0}, {"passed", 0}, {"failed", 0}, {"skipped", 0},
                  {"started", str(r, "started")}};
    }
    json& run = runs[id];
    run["tests"] = run["tests"].get<int>() + 1;
    std::string v = str(r, "verdict");
    const char* k = v == "PASS" ? "passed" : v == "SKIP" ? "skipped" : "failed";
    run[k] = run[k].get<int>() + 1;
  }
  json rl = json::array();
  for (const auto& id : order) rl.push_back(runs[id]);
  json host = records.empty() ? json::object() : at(records.front(), "host");
  return {{"generated", now_utc()},
          {"runs", rl},
          {"host", host.is_object() ? host : json::object()},
          {"tests", tests},
          {"compare", compare.is_object() ? compare : json(nullptr)}};
}

}  // namespace ktstr::report
