#include "monitor/judge.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace ktstr::monitor {
namespace {

double round3(double v) { return std::round(v * 1000) / 1000; }

}  // namespace

void to_json(nlohmann::json& j, const MonitorVerdict& v) {
  j = {{"check", v.check},         {"value", round3(v.value)}, {"threshold", round3(v.threshold)},
       {"t", round3(v.t)},         {"samples", v.samples},     {"message", v.message}};
  if (v.cpu >= 0) j["cpu"] = v.cpu;
  if (!v.idle_cpus.empty()) j["idle_cpus"] = v.idle_cpus;
}

void to_json(nlohmann::json& j, const MonitorSummary& s) {
  j = {{"samples", s.samples},
       {"judged_samples", s.judged},
       {"max_imbalance_ratio", round3(s.max_imbalance_ratio)},
       {"max_dsq_depth", s.max_dsq_depth},
       {"stall_count", s.stall_count},
       {"work_conservation_count", s.work_conservation_count},
       {"total_fallback", s.total_fallback},
       {"total_keep_last", s.total_keep_last},
       {"max_fallback_rate", round3(s.max_fallback_rate)},
       {"max_keep_last_rate", round3(s.max_keep_last_rate)}};
}

Judge::Judge(JudgeConfig cfg, unsigned cpus) : cfg_(std::move(cfg)), cpus_(cpus), dsq_(cpus), stall_(cpus) {
  if (cfg_.hz <= 0) cfg_.hz = 250;
  if (cfg_.sustained == 0) cfg_.sustained = 1;
}

void Judge::reset_epoch() {
  imbalance_ = fallback_ = keep_last_ = conservation_ = {};
  imbalance_persist_ = {};
  std::fill(dsq_.begin(), dsq_.end(), Streak{});
  std::fill(stall_.begin(), stall_.end(), Streak{});
  prev_.reset();
}

bool Judge::window_done(const Streak& st, const Sample& now) const {
  return st.n >= cfg_.sustained && now.t - st.since_t + 1e-9 >= cfg_.rotation_s;
}

void Judge::emit(const std::string& check, int cpu, double value, double threshold, const Sample& s, uint32_t n,
                 std::string msg, CpuList idle_cpus) {
  // One verdict per check and CPU: a stall that persists is one finding.
  std::string key = fmt::format("{}/{}", check, cpu);
  if (std::find(fired_keys_.begin(), fired_keys_.end(), key) != fired_keys_.end()) return;
  fired_keys_.push_back(key);
  verdicts_.push_back({check, cpu, value, threshold, s.t, n, std::move(msg), std::move(idle_cpus)});
}

void Judge::feed(const Sample& s) {
  ++sum_.samples;
  for (const auto& c : s.cpus)
    if (c.online) sum_.max_dsq_depth = std::max(sum_.max_dsq_depth, c.local_dsq);
  if (!s.scx_enabled) {
    if (in_epoch_) {
      done_fallback_ = sum_.total_fallback;
      done_keep_last_ = sum_.total_keep_last;
    }
    in_epoch_ = false;
    reset_epoch();
    return;
  }
  if (!in_epoch_ || s.scx_root != epoch_root_ || s.enable_seq != epoch_seq_) {
    // A (new) scheduler instance: its counters start over, and so does
    // the warm-up.
    if (in_epoch_) {
      done_fallback_ = sum_.total_fallback;
      done_keep_last_ = sum_.total_keep_last;
    }
    in_epoch_ = true;
    epoch_root_ = s.scx_root;
    epoch_seq_ = s.enable_seq;
    epoch_t_ = s.t;
    epoch_events_first_ = s.events;
    reset_epoch();
  }
  if (!s.events.empty() && epoch_events_first_.size() == s.events.size()) {
    auto total = [&](int idx) {
      return idx >= 0 && static_cast<size_t>(idx) < s.events.size() ? s.events[idx] - epoch_events_first_[idx] : 0;
    };
    sum_.total_fallback = done_fallback_ + total(cfg_.fallback_event);
    sum_.total_keep_last = done_keep_last_ + total(cfg_.keep_last_event);
  } else if (epoch_events_first_.empty()) {
    epoch_events_first_ = s.events;
  }
  if (s.t - epoch_t_ < cfg_.warmup_s) {
    prev_ = s;
    return;
  }
  // A guest that did not run (paused, starved) says nothing; keep streaks.
  if (prev_ && s.jiffies == prev_->jiffies) return;
  ++sum_.judged;
  judge_imbalance(s);
  judge_dsq(s);
  judge_conservation(s);
  if (prev_) {
    judge_stall(*prev_, s);
    judge_rates(*prev_, s);
  }
  prev_ = s;
}

void Judge::judge_imbalance(const Sample& s) {
  uint32_t mx = 0, mn = UINT32_MAX;
  for (unsigned c = 0; c < cpus_; ++c) {
    if (!counted(c, s)) continue;
    mx = std::max(mx, s.cpus[c].nr_running);
    mn = std::min(mn, s.cpus[c].nr_running);
  }
  if (mn == UINT32_MAX) return;
  const double floor = std::max<uint32_t>(1, mn);
  double ratio = mx / floor;
  sum_.max_imbalance_ratio = std::max(sum_.max_imbalance_ratio, ratio);
  if (!cfg_.max_imbalance_ratio || ratio <= *cfg_.max_imbalance_ratio) {
    imbalance_ = {};
    return;
  }
  // The overloaded CPUs of this sample. Sustained means the same CPU(s)
  // stay overloaded: under a shared-queue scheduler queued tasks count on
  // whichever CPU enqueued them, so the busiest CPU hops around from one
  // sample to the next (measured: 5-6 tasks on a different CPU each sample
  // in a healthy mixed_workloads) without any CPU being left behind.
  CpuBits over;
  for (unsigned c = 0; c < cpus_; ++c)
    if (counted(c, s) && s.cpus[c].nr_running > *cfg_.max_imbalance_ratio * floor) over.set(c);
  CpuBits still = over;
  if (imbalance_.n) {
    for (size_t w = 0; w < still.w.size(); ++w) still.w[w] &= imbalance_persist_.w[w];
    if (!still.any()) imbalance_ = {};  // a different CPU now: start over
  }
  imbalance_persist_ = imbalance_.n ? still : over;
  if (imbalance_.n++ == 0) imbalance_.since = s.jiffies;
  imbalance_.worst = std::max(imbalance_.worst, ratio);
  if (imbalance_.n >= cfg_.sustained && !imbalance_.fired) {
    int at = -1;
    for (unsigned c = 0; c < cpus_; ++c)
      if (imbalance_persist_.test(c) && (at < 0 || s.cpus[c].nr_running > s.cpus[at].nr_running)) at = static_cast<int>(c);
    imbalance_.fired = true;
    emit("imbalance", at, ratio, *cfg_.max_imbalance_ratio, s, imbalance_.n,
         fmt::format("run-queue imbalance {:.1f}: cpu{} held {} tasks (the emptiest CPU {}) > {:.1f} x for {} "
                     "samples",
                     ratio, at, s.cpus[at].nr_running, mn, *cfg_.max_imbalance_ratio, imbalance_.n));
  }
}

void Judge::judge_dsq(const Sample& s) {
  if (!cfg_.max_local_dsq_depth) return;
  for (unsigned c = 0; c < cpus_; ++c) {
    Streak& st = dsq_[c];
    uint32_t depth = c < s.cpus.size() && s.cpus[c].online ? s.cpus[c].local_dsq : 0;
    if (depth <= *cfg_.max_local_dsq_depth) {
      st = {};
      continue;
    }
    if (st.n++ == 0) st.since = s.jiffies;
    st.worst = std::max<double>(st.worst, depth);
    if (st.n >= cfg_.sustained && !st.fired) {
      st.fired = true;
      emit("local_dsq_depth", static_cast<int>(c), depth, *cfg_.max_local_dsq_depth, s, st.n,
           fmt::format("cpu{} local DSQ depth {} > {} for {} samples", c, depth, *cfg_.max_local_dsq_depth, st.n));
    }
  }
}

void Judge::judge_stall(const Sample& prev, const Sample& s) {
  if (!cfg_.fail_on_stall) return;
  for (unsigned c = 0; c < cpus_; ++c) {
    Streak& st = stall_[c];
    if (c >= s.cpus.size() || c >= prev.cpus.size() || !s.cpus[c].online || !prev.cpus[c].online) {
      st = {};
      continue;
    }
    const CpuSample& a = prev.cpus[c];
    const CpuSample& b = s.cpus[c];
    // Queued: sched_ext tasks waiting on this CPU in both samples.
    bool queued = a.waiting > 0 && b.waiting > 0;
    bool frozen = a.clock == b.clock;
    // The oldest waiting task is the same one, still waiting.
    bool same_head = a.head_pid != 0 && a.head_pid == b.head_pid && a.head_runnable_at == b.head_runnable_at;
    bool idle_seen = a.idle || b.idle;
    if (!queued || !(frozen || same_head)) {
      st = {};
      continue;
    }
    if (!frozen && !idle_seen) continue;  // busy with something else: neither evidence nor progress
    if (st.n++ == 0) {
      st.since = prev.jiffies;
      st.since_t = prev.t;
    }
    if (!window_done(st, s) || st.fired) continue;
    st.fired = true;
    ++sum_.stall_count;
    double secs = s.t - st.since_t;
    double need = std::max(cfg_.rotation_s, 0.0);
    emit("stall", static_cast<int>(c), secs, need, s, st.n,
         fmt::format("cpu{} stalled: {} task(s) queued (oldest pid {}) and {} for {:.2f} s ({:.2f} s of guest "
                     "time, {} samples; the window must span {:.2f} s for every vCPU to have run)",
                     c, b.waiting, b.head_pid,
                     frozen ? "its rq clock did not advance" : "it idled without running the oldest of them", secs,
                     seconds(s.jiffies - st.since), st.n, need));
  }
}

void Judge::judge_rates(const Sample& prev, const Sample& s) {
  if (s.events.empty() || prev.events.size() != s.events.size() || s.jiffies <= prev.jiffies) return;
  const double dt = seconds(s.jiffies - prev.jiffies);
  auto judge = [&](double rate, const std::optional<double>& limit, Streak& st, double& max_rate, const char* check,
                   const std::string& what) {
    max_rate = std::max(max_rate, rate);
    if (!limit || rate <= *limit) {
      st = {};
      return;
    }
    if (st.n++ == 0) st.since = prev.jiffies;
    st.worst = std::max(st.worst, rate);
    if (st.n >= cfg_.sustained && !st.fired) {
      st.fired = true;
      emit(check, -1, rate, *limit, s, st.n,
           fmt::format("{} rate {:.0f}/s per CPU > {:.0f}/s for {} samples", what, rate, *limit, st.n));
    }
  };
  if (cfg_.fallback_event >= 0) {
    unsigned online = 0;
    for (unsigned c = 0; c < cpus_ && c < s.cpus.size(); ++c) online += s.cpus[c].online;
    double n = static_cast<double>(s.events[cfg_.fallback_event] - prev.events[cfg_.fallback_event]);
    judge(n / dt / std::max(1u, online), cfg_.max_fallback_rate, fallback_, sum_.max_fallback_rate, "fallback_rate",
          "select_cpu fallback");
  }
  if (cfg_.keep_last_event >= 0) {
    int64_t kept = 0;
    unsigned queued = 0;
    for (unsigned c = 0; c < cpus_ && c < s.cpus.size() && c < prev.cpus.size(); ++c) {
      const CpuSample& a = prev.cpus[c];
      const CpuSample& b = s.cpus[c];
      if (!a.online || !b.online || a.waiting == 0 || b.waiting == 0 || b.keep_last < a.keep_last) continue;
      kept += b.keep_last - a.keep_last;
      ++queued;
    }
    judge(queued ? static_cast<double>(kept) / dt / queued : 0.0, cfg_.max_keep_last_rate, keep_last_,
          sum_.max_keep_last_rate, "keep_last_rate", "dispatch keep-last (with tasks waiting)");
  }
}

void Judge::judge_conservation(const Sample& s) {
  if (!cfg_.work_conservation) return;
  // Idle: nothing runnable at all (not even a task on its way in).
  CpuBits idle;
  for (unsigned c = 0; c < cpus_; ++c)
    if (counted(c, s) && s.cpus[c].idle && s.cpus[c].nr_running == 0) idle.set(c);
  int worst = -1;
  CpuList could_run;
  if (idle.any()) {
    for (unsigned c = 0; c < cpus_; ++c) {
      if (!counted(c, s)) continue;
      const CpuSample& o = s.cpus[c];
      // A busy CPU with tasks waiting behind the running one; an idle CPU
      // with waiting tasks is on its way to run them (or stalled: the
      // stall check's business).
      if (o.idle || o.waiting == 0) continue;
      CpuList here;
      for (unsigned i = 0; i < cpus_; ++i)
        if (i != c && idle.test(i) && o.waiting_allowed.test(i)) here.push_back(i);
      if (here.empty()) continue;
      if (worst < 0 || o.waiting > s.cpus[worst].waiting) {
        worst = static_cast<int>(c);
        could_run = here;
      }
    }
  }
  if (worst < 0) {
    conservation_ = {};
    return;
  }
  Streak& st = conservation_;
  if (st.n++ == 0) {
    st.since = s.jiffies;
    st.since_t = s.t;
  }
  st.worst = std::max<double>(st.worst, s.cpus[worst].waiting);
  // Twice the stall window: a vCPU the emulator has not run for one
  // rotation looks exactly like a CPU the scheduler leaves idle (seen once,
  // 0.51 s on 4 vCPUs under scx_simple during a cpuset change); a scheduler
  // that really is not work-conserving keeps CPUs idle for seconds.
  bool long_enough = st.n >= cfg_.sustained && s.t - st.since_t + 1e-9 >= 2 * cfg_.rotation_s;
  if (!long_enough || st.fired) return;
  st.fired = true;
  ++sum_.work_conservation_count;
  double secs = s.t - st.since_t;
  emit("work_conservation", worst, s.cpus[worst].waiting, 0, s, st.n,
       fmt::format("not work-conserving: cpu{} idle while cpu{} has {} task(s) waiting that may run there, "
                   "for {} samples ({:.2f} s)",
                   format_cpu_list(could_run), worst, s.cpus[worst].waiting, st.n, secs),
       could_run);
}

}  // namespace ktstr::monitor
