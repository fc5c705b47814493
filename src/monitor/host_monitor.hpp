#pragma once
// The host monitor as a VM observer: once the guest kernel is found in guest
// RAM it samples the scheduler state every `interval` (on the backend's
// ~100 ms ticks), judges the samples, records the scenario's events from the
// channel next to them, and hands each sample to an optional live view.
// Nothing runs inside the guest; nothing here can fail the VM: problems
// become notes in the result.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "monitor/guest_kernel.hpp"
#include "monitor/judge.hpp"
#include "monitor/sampler.hpp"
#include "monitor/sched_layout.hpp"
#include "monitor/timeline.hpp"
#include "vm/backend.hpp"

namespace ktstr::monitor {

struct HostMonitorOptions {
  JudgeConfig judge;  // fallback_event/keep_last_event are filled in from the kernel
  // Sampling period; ticks come every ~100 ms, so shorter periods sample
  // at the tick rate.
  std::chrono::milliseconds interval{100};
  unsigned cpus = 1;
  // Called after each sample (the CLI's live line); on the backend thread.
  std::function<void(const Sample&, const SchedLayout&)> live;
  // Called once per tick after sampling while the kernel is attached (BPF
  // map writes and other host actions that need the guest kernel).
  std::function<void(const GuestKernel&, vm::VmControl&, double t)> on_kernel_tick;
};

class HostMonitor final : public vm::VmObserver {
 public:
  HostMonitor(std::shared_ptr<const KernelImage> image, HostMonitorOptions o, std::string unavailable = {});
  // Loads the image (cached per vmlinux); never throws.
  static std::unique_ptr<HostMonitor> create(const std::filesystem::path& vmlinux, int hz, HostMonitorOptions o);

  void on_start(vm::VmControl& vm) override;
  void on_message(const channel::Message& m) override;
  void on_tick(vm::VmControl& vm) override;

  bool available() const { return unavailable_.empty(); }
  const std::vector<MonitorVerdict>& verdicts() const { return judge_.verdicts(); }
  const MonitorSummary& summary() const { return judge_.summary(); }
  const Timeline& timeline() const { return timeline_; }
  const SchedLayout& layout() const { return layout_; }
  uint64_t kaslr_offset() const { return kernel_ && kernel_->attached() ? kernel_->kaslr_offset() : 0; }

  // {"interval_ms", "cpus", "available", "notes", "kaslr_offset", "cost":
  //  {"samples", "mean_us", "max_us"}, "summary", "verdicts", "timeline"}
  nlohmann::json to_json() const;
  // Failure-report sections: the timeline per phase and the summary.
  std::string format_timeline() const;
  std::string format_summary() const;

 private:
  double now() const;
  void note(std::string n);

  std::shared_ptr<const KernelImage> image_;
  HostMonitorOptions opts_;
  std::string unavailable_;
  SchedLayout layout_;
  Judge judge_;
  Timeline timeline_;
  std::unique_ptr<GuestPhysMemory> phys_;
  std::unique_ptr<GuestKernel> kernel_;
  std::unique_ptr<Sampler> sampler_;
  vm::VmControl* vm_ = nullptr;
  std::chrono::steady_clock::time_point start_{}, last_sample_{};
  std::vector<std::string> notes_;
  std::string last_error_;
  bool scx_seen_ = false;
  uint64_t cost_n_ = 0;
  double cost_sum_us_ = 0, cost_max_us_ = 0;
};

}  // namespace ktstr::monitor
