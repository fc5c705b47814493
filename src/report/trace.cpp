#include "report/trace.hpp"

#include <cmath>
#include <ctime>
#include <optional>

#include <fmt/format.h>

#include "report/json_access.hpp"
#include "report/model.hpp"

namespace ktstr::report {
using nlohmann::json;

namespace {

using detail::at;
using detail::str;

// "2026-11-30T14:05:12Z" -> seconds since the epoch.
std::optional<double> parse_utc(const std::string& s) {
  std::tm tm{};
  if (s.empty() || !::strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return std::nullopt;
  return static_cast<double>(::timegm(&tm));
}

int64_t us(double seconds) { return static_cast<int64_t>(std::llround(seconds * 1e6)); }

bool starts_phase(const std::string& e) { return e == "backdrop" || e.rfind("step ", 0) == 0; }

std::string phase_name(const std::string& e) {
  const std::string suffix = " start";
  if (e.size() > suffix.size() && e.compare(e.size() - suffix.size(), suffix.size(), suffix) == 0)
    return e.substr(0, e.size() - suffix.size());
  return e;
}

json meta(const char* what, int pid, int tid, json args) {
  return {{"name", what}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", std::move(args)}};
}

json instant(std::string name, const char* cat, int64_t ts, int pid, int tid, const char* scope, json args) {
  return {{"name", std::move(name)}, {"cat", cat}, {"ph", "i"}, {"s", scope}, {"ts", ts},
          {"pid", pid},              {"tid", tid}, {"args", std::move(args)}};
}

void add_test(json& ev, const json& r, int pid, double offset_s) {
  const json& id = at(r, "identity");
  const json& res = at(r, "result");
  const json& mon = at(res, "monitor");
  const json& tl = at(mon, "timeline");
  const json& s = at(tl, "samples");
  std::string name = fmt::format("{} {}", test_label(r), str(r, "verdict"));
  for (const char* k : {"topology", "scheduler", "flags"})
    if (!str(id, k).empty() && str(id, k) != "default") name += " " + str(id, k);
  ev.push_back(meta("process_name", pid, 0, {{"name", name}}));
  ev.push_back(meta("process_sort_index", pid, 0, {{"sort_index", pid}}));
  ev.push_back(meta("process_labels", pid, 0, {{"labels", str(r, "verdict")}}));
  ev.push_back(meta("thread_name", pid, kStepsTid, {{"name", "steps"}}));
  ev.push_back(meta("thread_sort_index", pid, kStepsTid, {{"sort_index", 0}}));
  ev.push_back(meta("thread_name", pid, kHostTid, {{"name", "host"}}));
  ev.push_back(meta("thread_sort_index", pid, kHostTid, {{"sort_index", 1}}));

  const json& t = at(s, "t");
  const json& nr = at(s, "nr_running");
  const json& dsq = at(s, "local_dsq");
  size_t cpus = nr.is_array() ? nr.size() : 0;
  for (size_t c = 0; c < cpus; ++c) {
    int tid = kCpuTidBase + static_cast<int>(c);
    ev.push_back(meta("thread_name", pid, tid, {{"name", fmt::format("cpu {}", c)}}));
    ev.push_back(meta("thread_sort_index", pid, tid, {{"sort_index", 2 + static_cast<int>(c)}}));
  }
  // Counters: one event per CPU per sample where either series changed
  // (and the last sample, so the track extends to the end).
  if (t.is_array())
    for (size_t c = 0; c < cpus; ++c) {
      const json& a = nr[c];
      const json* b = dsq.is_array() && c < dsq.size() ? &dsq[c] : nullptr;
      int64_t last_a = -1, last_b = -1;
      for (size_t i = 0; i < t.size() && i < a.size(); ++i) {
        int64_t va = a[i].get<int64_t>();
        int64_t vb = b && i < b->size() ? (*b)[i].get<int64_t>() : 0;
        if (va == last_a && vb == last_b && i + 1 != t.size()) continue;
        last_a = va;
        last_b = vb;
        ev.push_back({{"name", fmt::format("cpu{}", c)}, {"cat", "monitor"}, {"ph", "C"},
                      {"ts", us(offset_s + t[i].get<double>())}, {"pid", pid}, {"tid", 0},
                      {"args", {{"nr_running", va}, {"local_dsq", vb}}}});
      }
    }
  double end = t.is_array() && !t.empty() ? t.back().get<double>() : 0;
  // Phases as slices; everything else the guest reported as instants.
  const json& events = at(tl, "events");
  std::optional<std::pair<std::string, double>> open;
  auto close = [&](double until) {
    if (!open) return;
    double dur = std::max(0.0, until - open->second);
    ev.push_back({{"name", phase_name(open->first)}, {"cat", "step"}, {"ph", "X"},
                  {"ts", us(offset_s + open->second)}, {"dur", us(dur)}, {"pid", pid}, {"tid", kStepsTid},
                  {"args", json::object()}});
    open.reset();
  };
  if (events.is_array())
    for (const auto& e : events) {
      if (!at(e, "t").is_number()) continue;
      double et = e["t"].get<double>();
      std::string text = str(e, "event");
      if (starts_phase(text)) {
        close(et);
        open = std::make_pair(text, et);
      } else {
        bool host = text.find("host view") != std::string::npos;
        ev.push_back(instant(text, host ? "host" : "guest", us(offset_s + et), pid, host ? kHostTid : kStepsTid, "t",
                             json::object()));
      }
    }
  close(std::max(end, open ? open->second : 0.0));
  for (const auto& w : at(res, "watchdog"))
    if (at(w, "t").is_number())
      ev.push_back(instant("watchdog " + str(w, "kind"), "watchdog", us(offset_s + w["t"].get<double>()), pid,
                           kHostTid, "t", {{"detail", str(w, "detail")}}));
  for (const auto& v : at(mon, "verdicts")) {
    if (!at(v, "t").is_number()) continue;
    int cpu = at(v, "cpu").is_number_integer() ? v["cpu"].get<int>() : -1;
    bool on_cpu = cpu >= 0 && static_cast<size_t>(cpu) < cpus;
    json args{{"message", str(v, "message")}};
    for (const char* k : {"value", "threshold", "samples"})
      if (v.contains(k)) args[k] = v[k];
    std::string check = str(v, "check");
    ev.push_back(instant(check, check == "stall" ? "stall" : "verdict", us(offset_s + v["t"].get<double>()), pid,
                         on_cpu ? kCpuTidBase + cpu : kHostTid, on_cpu ? "t" : "p", std::move(args)));
  }
}

}  // namespace

json trace_events(const std::vector<json>& records) {
  std::optional<double> first;
  for (const auto& r : records)
    if (auto t = parse_utc(str(r, "started")); t && (!first || *t < *first)) first = t;
  json ev = json::array();
  for (size_t i = 0; i < records.size(); ++i) {
    auto t = parse_utc(str(records[i], "started"));
    double offset = t && first ? *t - *first : 0;
    add_test(ev, records[i], static_cast<int>(i) + 1, offset);
  }
  return {{"traceEvents", std::move(ev)},
          {"displayTimeUnit", "ms"},
          {"otherData", {{"generator", "ktstr report"}, {"tests", records.size()}}}};
}

}  // namespace ktstr::report
