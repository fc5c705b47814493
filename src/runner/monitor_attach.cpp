#include "runner/monitor_attach.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

namespace ktstr::runner {
namespace {

// QEMU's round-robin TCG kicks the running vCPU every 100 ms
// (TCG_KICK_PERIOD): one full rotation over n busy vCPUs takes n x 100 ms.
constexpr double kTcgKickPeriodS = 0.1;

// A compact live line per second for people watching a run on a TTY.
class LiveLine {
 public:
  void operator()(const monitor::Sample& s, const monitor::SchedLayout&) {
    if (s.t - last_ < 1.0) return;
    last_ = s.t;
    std::string line = fmt::format("\r[monitor +{:5.1f}s {}]", s.t, s.scx_enabled ? "scx" : "   ");
    for (size_t c = 0; c < s.cpus.size(); ++c) {
      const auto& x = s.cpus[c];
      if (!x.online) line += fmt::format(" {}:--", c);
      else line += fmt::format(" {}:{}/{}{}", c, x.nr_running, x.local_dsq, x.idle ? "i" : "");
    }
    line += "\033[K";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    printed_ = true;
  }
  ~LiveLine() {
    if (printed_) std::fputs("\r\033[K", stderr);
  }

 private:
  double last_ = -1e9;
  bool printed_ = false;
};

}  // namespace

monitor::JudgeConfig judge_config(const MonitorSetup& s) {
  const check::Thresholds& t = s.thresholds;
  monitor::JudgeConfig c;
  c.max_imbalance_ratio = t.max_imbalance_ratio;
  c.max_local_dsq_depth = t.max_local_dsq_depth;
  c.fail_on_stall = t.fail_on_stall.value_or(false);
  c.sustained = t.sustained_samples.value_or(5);
  c.max_fallback_rate = t.max_fallback_rate;
  c.max_keep_last_rate = t.max_keep_last_rate;
  c.work_conservation = t.work_conservation.value_or(false);
  // Windows must cover one emulator rotation plus one sampling period, so
  // that every vCPU demonstrably had a turn (monitor/judge.hpp).
  double period = s.options.interval.count() / 1000.0;
  c.rotation_s = s.emulated ? s.cpus * kTcgKickPeriodS + period : 0;
  for (uint32_t cpu : s.reserved_cpus) c.reserved.set(cpu);
  return c;
}

vm::VmObserver* MonitorAttachment::make(const kernel::Kernel& k) {
  if (!setup_.options.enabled) return nullptr;
  monitor::HostMonitorOptions o;
  o.judge = judge_config(setup_);
  o.interval = setup_.options.interval;
  o.cpus = setup_.cpus;
  int hz = std::atoi(k.cfg.get("CONFIG_HZ").value_or("250").c_str());
  o.judge.hz = hz > 0 ? hz : 250;
  if (setup_.options.live && ::isatty(STDERR_FILENO)) {
    auto live = std::make_shared<LiveLine>();
    o.live = [live](const monitor::Sample& s, const monitor::SchedLayout& l) { (*live)(s, l); };
  }
  writer_ = std::make_unique<monitor::BpfWriter>(setup_.options.bpf_writes, setup_.cpus);
  o.on_kernel_tick = [w = writer_.get()](const monitor::GuestKernel& gk, vm::VmControl&, double t) { w->tick(gk, t); };
  monitor_ = monitor::HostMonitor::create(k.vmlinux, o.judge.hz, std::move(o));
  return monitor_.get();
}

void MonitorAttachment::apply(check::CheckResult& result) const {
  if (!monitor_ || !setup_.sched_ext) return;
  for (const auto& v : monitor_->verdicts())
    result.fail(check::DetailKind::monitor, fmt::format("{} at +{:.1f}s: {}", v.check, v.t, v.message));
  if (writer_)
    for (const auto& d : writer_->outcome())
      if (!d.ok) result.fail(check::DetailKind::monitor, fmt::format("--bpf-write {}: {}", d.spec, d.detail));
}

nlohmann::json MonitorAttachment::to_json() const {
  if (!monitor_) return nullptr;
  nlohmann::json j = monitor_->to_json();
  j["judged"] = setup_.sched_ext;
  if (writer_) j["bpf"] = writer_->to_json();
  return j;
}

std::string MonitorAttachment::report_text() const {
  if (!monitor_) return {};
  std::string s;
  std::string phases = monitor_->format_timeline();
  if (!phases.empty()) s += "--- timeline (steps vs monitor samples) ---\n" + phases;
  s += "--- monitor summary ---\n" + monitor_->format_summary();
  return s;
}

}  // namespace ktstr::runner
