#include "monitor/timeline.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace ktstr::monitor {
namespace {

template <typename T>
void keep_odd(std::vector<T>& v) {
  size_t out = 0;
  for (size_t i = 1; i < v.size(); i += 2) v[out++] = v[i];
  v.resize(out);
}

double round2(double v) { return std::round(v * 100) / 100; }

bool starts_phase(const std::string& e) { return e == "backdrop" || e.rfind("step ", 0) == 0; }

}  // namespace

void Timeline::add_event(double t, std::string text) { events_.push_back({t, std::move(text)}); }

void Timeline::thin() {
  // Pairs (2i, 2i+1) become one sample: the later state, the summed deltas.
  for (auto& d : event_deltas_) {
    for (size_t i = 0; i + 1 < d.size(); i += 2) d[i + 1] += d[i];
    keep_odd(d);
  }
  keep_odd(t_);
  keep_odd(jiffies_);
  keep_odd(scx_);
  for (auto* series : {&nr_, &scx_nr_, &dsq_, &waiting_})
    for (auto& s : *series) keep_odd(s);
  for (auto& d : run_delay_us_) {
    for (size_t i = 0; i + 1 < d.size(); i += 2) d[i + 1] += d[i];
    keep_odd(d);
  }
  for (auto& s : idle_) keep_odd(s);
  stride_ *= 2;
}

void Timeline::add_sample(const Sample& s) {
  if (cpus_ == 0) cpus_ = static_cast<unsigned>(s.cpus.size());
  if (nr_.empty()) {
    nr_.resize(cpus_);
    scx_nr_.resize(cpus_);
    dsq_.resize(cpus_);
    waiting_.resize(cpus_);
    idle_.resize(cpus_);
    run_delay_us_.resize(cpus_);
    last_run_delay_.assign(cpus_, 0);
    pending_run_delay_.assign(cpus_, 0);
  }
  for (unsigned c = 0; c < cpus_ && c < s.cpus.size(); ++c) {
    if (!s.cpus[c].online) continue;
    uint64_t rd = s.cpus[c].run_delay_ns;
    // The first reading (or a counter that went backwards) is a baseline.
    if (last_run_delay_[c] && rd >= last_run_delay_[c]) pending_run_delay_[c] += rd - last_run_delay_[c];
    last_run_delay_[c] = rd;
  }
  // Counter deltas accumulate into the next stored sample.
  if (!s.events.empty()) {
    if (event_deltas_.size() != s.events.size()) {
      event_deltas_.assign(s.events.size(), std::vector<int64_t>(t_.size(), 0));
      last_events_ = s.events;
      pending_.assign(s.events.size(), 0);
    }
    for (size_t i = 0; i < s.events.size(); ++i) {
      // A new scheduler instance restarts its counters at 0.
      int64_t d = s.events[i] - last_events_[i];
      pending_[i] += d >= 0 ? d : s.events[i];
    }
    last_events_ = s.events;
  }
  if (seen_++ % stride_ != 0) return;
  t_.push_back(round2(s.t));
  jiffies_.push_back(s.jiffies);
  scx_.push_back(s.scx_enabled ? 1 : 0);
  for (unsigned c = 0; c < cpus_; ++c) {
    const CpuSample* x = c < s.cpus.size() ? &s.cpus[c] : nullptr;
    bool on = x && x->online;
    nr_[c].push_back(on ? x->nr_running : 0);
    scx_nr_[c].push_back(on ? x->scx_nr_running : 0);
    dsq_[c].push_back(on ? x->local_dsq : 0);
    waiting_[c].push_back(on ? x->waiting : 0);
    idle_[c].push_back(on && x->idle ? 1 : 0);
    run_delay_us_[c].push_back(pending_run_delay_[c] / 1000);
    pending_run_delay_[c] = 0;
  }
  for (size_t i = 0; i < event_deltas_.size(); ++i) {
    event_deltas_[i].push_back(i < pending_.size() ? pending_[i] : 0);
    if (i < pending_.size()) pending_[i] = 0;
  }
  if (t_.size() >= kMaxSamples) thin();
}

nlohmann::json Timeline::to_json(const std::vector<std::string>& event_names) const {
  nlohmann::json ev = nlohmann::json::array();
  for (const auto& e : events_) ev.push_back({{"t", round2(e.t)}, {"event", e.text}});
  nlohmann::json s = {{"stride", stride_}, {"t", t_},       {"jiffies", jiffies_},     {"scx", scx_},
                      {"nr_running", nr_}, {"scx_nr_running", scx_nr_}, {"local_dsq", dsq_},
                      {"waiting", waiting_}, {"idle", idle_}, {"run_delay_us", run_delay_us_}};
  nlohmann::json counters = nlohmann::json::object();
  for (size_t i = 0; i < event_deltas_.size() && i < event_names.size(); ++i) {
    bool any = std::any_of(event_deltas_[i].begin(), event_deltas_[i].end(), [](int64_t v) { return v != 0; });
    if (any) counters[event_names[i]] = event_deltas_[i];
  }
  s["events"] = counters;
  return {{"events", ev}, {"samples", s}};
}

std::string Timeline::format_phases(const std::vector<MonitorVerdict>& verdicts) const {
  struct Phase {
    std::string name;
    double from, to;
  };
  std::vector<Phase> phases;
  double end = t_.empty() ? 0 : t_.back();
  for (const auto& e : events_)
    if (starts_phase(e.text)) {
      if (!phases.empty()) phases.back().to = e.t;
      phases.push_back({e.text, e.t, std::max(end, e.t)});
    }
  if (phases.empty() && !t_.empty()) phases.push_back({"whole run", t_.front(), end});
  std::string out;
  for (size_t k = 0; k < phases.size(); ++k) {
    const Phase& p = phases[k];
    // Half-open phases; the last one keeps the run's final sample.
    auto inside = [&](double t) { return t >= p.from && (k + 1 == phases.size() ? t < p.to + 1e-9 : t < p.to); };
    std::vector<size_t> idx;
    for (size_t i = 0; i < t_.size(); ++i)
      if (inside(t_[i])) idx.push_back(i);
    out += fmt::format("  +{:.2f}s..+{:.2f}s  {}  ({} samples)\n", p.from, p.to, p.name, idx.size());
    for (const auto& e : events_)
      if (e.t >= p.from && e.t < p.to && !starts_phase(e.text)) out += fmt::format("    +{:.2f}s  {}\n", e.t, e.text);
    if (!idx.empty()) {
      std::string nr = "    nr_running avg:", dsq = "    local DSQ max: ", idle = "    idle %:        ";
      for (unsigned c = 0; c < cpus_; ++c) {
        double sum = 0;
        uint32_t mx = 0;
        unsigned idl = 0;
        for (size_t i : idx) {
          sum += nr_[c][i];
          mx = std::max(mx, dsq_[c][i]);
          idl += idle_[c][i];
        }
        nr += fmt::format(" cpu{}={:.1f}", c, sum / idx.size());
        dsq += fmt::format(" cpu{}={}", c, mx);
        idle += fmt::format(" cpu{}={:.0f}", c, 100.0 * idl / idx.size());
      }
      out += nr + "\n" + dsq + "\n" + idle + "\n";
    }
    for (const auto& v : verdicts)
      if (inside(v.t)) out += fmt::format("    +{:.2f}s  MONITOR {}: {}\n", v.t, v.check, v.message);
  }
  return out;
}

}  // namespace ktstr::monitor
