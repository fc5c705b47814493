#pragma once
// Monitor verdicts (PRODUCT.md §3) over a stream of samples, judged on the
// host. Only while a sched_ext scheduler is enabled, after a warm-up from
// its attach (restarted when a new instance attaches), and only when a
// condition holds for `sustained` consecutive samples:
//
//   imbalance          max(nr_running) / max(1, min(nr_running)) over the
//                      online, non-reserved CPUs  > max_imbalance_ratio,
//                      with the same CPU(s) overloaded throughout
//   local_dsq_depth    a CPU's local DSQ holds   > max_local_dsq_depth tasks
//   stall              a CPU has queued tasks and makes no progress while its
//                      vCPU really ran (below): its rq clock does not
//                      advance, or it is idle (at either sample) while the
//                      same oldest task still waits. An interval where it is
//                      busy at both samples with a ticking clock and the same
//                      oldest task waiting neither counts nor breaks the
//                      streak (it ran something else: a stall of that task
//                      but no evidence about the CPU).
//   fallback_rate      SCX_EV_SELECT_CPU_FALLBACK per guest second per online CPU
//                      (a machine-wide total grows with the CPU count)
//   keep_last_rate     SCX_EV_DISPATCH_KEEP_LAST per guest second per CPU,
//                      counted on CPUs that had sched_ext tasks waiting at
//                      both samples: the scheduler kept running the previous
//                      task while others queued. Everywhere else keep-last is
//                      healthy: a CPU running one task alone keeps it at every
//                      slice expiry (~50/s) and at every sched_yield()
//                      (measured 13,600/s per CPU with the curated
//                      mixed_workloads' yielders on 8 vCPUs)
//   work_conservation  a CPU sits idle (nothing runnable) while a busy CPU
//                      has tasks waiting that are allowed to run on it
//
// "The vCPU really ran". Under QEMU TCG every vCPU is one slice of a single
// host thread: the emulator runs them round-robin, each until it halts or
// for up to 100 ms (its kick period), so a vCPU — busy or halted with an
// interrupt pending — can be off the host for (vCPUs x 100 ms) while the
// others run, and during that time its rq clock stands still and its
// queued tasks wait through no fault of the scheduler. A window therefore
// counts only when (a) the guest ran: jiffies advanced (they do not while
// QEMU is stopped or starved), and (b) it is long enough in guest time that
// the emulator must have given every vCPU a turn: `rotation_s` (vCPUs x
// 100 ms under TCG, 0 with hardware vCPU threads). Stall and work
// conservation fire only when their window spans `sustained` samples and
// rotation_s of host time (work conservation: twice that; QEMU's kick
// timer runs on host time; guest jiffies lag it by ~20 % with 16 busy
// vCPUs).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "monitor/sample.hpp"
#include "util/cpu_list.hpp"

namespace ktstr::monitor {

struct JudgeConfig {
  std::optional<double> max_imbalance_ratio;  // unset: check off
  std::optional<uint32_t> max_local_dsq_depth;
  bool fail_on_stall = true;
  uint32_t sustained = 5;
  std::optional<double> max_fallback_rate;
  std::optional<double> max_keep_last_rate;
  bool work_conservation = true;
  double warmup_s = 1.0;     // after each attach
  double rotation_s = 0;     // see above
  int hz = 250;
  CpuBits reserved;          // CPUs the scheduler keeps for itself
  // Positions of the two rate counters in Sample::events (-1: absent).
  int fallback_event = -1, keep_last_event = -1;
};

struct MonitorVerdict {
  std::string check;   // imbalance, local_dsq_depth, stall, fallback_rate, keep_last_rate, work_conservation
  int cpu = -1;        // the CPU it concerns (-1: the whole machine)
  double value = 0;    // what was measured
  double threshold = 0;
  double t = 0;        // host seconds since the VM started, when it fired
  uint32_t samples = 0;  // consecutive samples it held for
  std::string message;
  CpuList idle_cpus;  // work_conservation: the CPUs left idle
};
void to_json(nlohmann::json& j, const MonitorVerdict& v);

struct MonitorSummary {
  uint64_t samples = 0, judged = 0;
  double max_imbalance_ratio = 0;
  uint32_t max_dsq_depth = 0;
  uint32_t stall_count = 0;                // stall episodes (a CPU crossing the window)
  uint32_t work_conservation_count = 0;    // episodes
  int64_t total_fallback = 0, total_keep_last = 0;
  double max_fallback_rate = 0, max_keep_last_rate = 0;
};
void to_json(nlohmann::json& j, const MonitorSummary& s);

class Judge {
 public:
  Judge(JudgeConfig cfg, unsigned cpus);
  // Samples in time order.
  void feed(const Sample& s);
  const std::vector<MonitorVerdict>& verdicts() const { return verdicts_; }
  const MonitorSummary& summary() const { return sum_; }
  const JudgeConfig& config() const { return cfg_; }

 private:
  struct Streak {
    uint32_t n = 0;          // consecutive bad samples (or intervals)
    uint64_t since = 0;      // jiffies when it began
    double since_t = 0;      // host seconds when it began
    double worst = 0;
    bool fired = false;      // this episode already produced a verdict
  };
  void reset_epoch();
  double seconds(uint64_t j) const { return static_cast<double>(j) / cfg_.hz; }
  bool window_done(const Streak& st, const Sample& now) const;
  void emit(const std::string& check, int cpu, double value, double threshold, const Sample& s, uint32_t n,
            std::string msg, CpuList idle_cpus = {});
  void judge_imbalance(const Sample& s);
  void judge_dsq(const Sample& s);
  void judge_stall(const Sample& prev, const Sample& s);
  void judge_rates(const Sample& prev, const Sample& s);
  void judge_conservation(const Sample& s);
  bool counted(unsigned cpu, const Sample& s) const {
    return cpu < s.cpus.size() && s.cpus[cpu].online && !cfg_.reserved.test(cpu);
  }

  JudgeConfig cfg_;
  unsigned cpus_;
  std::optional<Sample> prev_;
  bool in_epoch_ = false;
  uint64_t epoch_root_ = 0;
  int64_t epoch_seq_ = -1;
  double epoch_t_ = 0;
  std::vector<int64_t> epoch_events_first_, epoch_events_last_;
  int64_t done_fallback_ = 0, done_keep_last_ = 0;  // totals of finished epochs
  Streak imbalance_, fallback_, keep_last_, conservation_;
  CpuBits imbalance_persist_;  // CPUs overloaded in every sample of the streak
  std::vector<Streak> dsq_, stall_;
  std::vector<MonitorVerdict> verdicts_;
  std::vector<std::string> fired_keys_;
  MonitorSummary sum_;
};

}  // namespace ktstr::monitor
