#pragma once
// What happened when: the scenario's stimulus events (steps, ops, from the
// guest channel) next to the monitor's samples, kept compact enough to
// store in every test result (per-CPU series as integer arrays, event
// counters as per-sample deltas), and printed per phase in failure reports.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "monitor/judge.hpp"
#include "monitor/sample.hpp"

namespace ktstr::monitor {

struct TimelineEvent {
  double t = 0;  // host seconds since the VM started (when the host saw it)
  std::string text;
};

class Timeline {
 public:
  // Long runs are thinned, not cut: past this many stored samples every
  // other one is dropped and the stride doubles.
  static constexpr size_t kMaxSamples = 4096;

  explicit Timeline(unsigned cpus = 0) : cpus_(cpus) {}
  void add_event(double t, std::string text);
  void add_sample(const Sample& s);

  const std::vector<TimelineEvent>& events() const { return events_; }
  size_t samples() const { return t_.size(); }

  // {"events":[{t,event}], "samples":{"stride":N,"t":[..],"jiffies":[..],
  //  "scx":[0/1..], "nr_running":[[cpu0..],[cpu1..]], "scx_nr_running",
  //  "local_dsq", "waiting", "idle":[[0/1..]..], "run_delay_us":[[delta..]..],
  //  "events":{name:[delta..]}}}
  nlohmann::json to_json(const std::vector<std::string>& event_names) const;

  // One block per phase (between "backdrop" / "step N start" events):
  // its time span, per-CPU mean nr_running and max local DSQ depth, idle
  // share, and the verdicts that fired in it.
  std::string format_phases(const std::vector<MonitorVerdict>& verdicts) const;

 private:
  void thin();
  unsigned cpus_;
  size_t stride_ = 1, seen_ = 0;
  std::vector<TimelineEvent> events_;
  std::vector<double> t_;
  std::vector<uint64_t> jiffies_;
  std::vector<uint8_t> scx_;
  // [cpu][sample]
  std::vector<std::vector<uint32_t>> nr_, scx_nr_, dsq_, waiting_;
  std::vector<std::vector<uint64_t>> run_delay_us_;  // schedstat run delay since the previous stored sample
  std::vector<uint64_t> last_run_delay_, pending_run_delay_;
  std::vector<std::vector<uint8_t>> idle_;
  std::vector<int64_t> last_events_, pending_;
  std::vector<std::vector<int64_t>> event_deltas_;  // [event][sample]
};

}  // namespace ktstr::monitor
