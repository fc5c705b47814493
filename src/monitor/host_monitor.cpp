#include "monitor/host_monitor.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/log.hpp"

namespace ktstr::monitor {
namespace {
using Clock = std::chrono::steady_clock;
constexpr size_t kMaxNotes = 30;

JudgeConfig with_events(JudgeConfig c, const SchedLayout& l) {
  c.fallback_event = l.event_index("SCX_EV_SELECT_CPU_FALLBACK");
  c.keep_last_event = l.event_index("SCX_EV_DISPATCH_KEEP_LAST");
  return c;
}

SchedLayout layout_for(const std::shared_ptr<const KernelImage>& img) {
  return img ? SchedLayout::resolve(*img) : SchedLayout{};
}

}  // namespace

HostMonitor::HostMonitor(std::shared_ptr<const KernelImage> image, HostMonitorOptions o, std::string unavailable)
    : image_(std::move(image)),
      opts_(std::move(o)),
      unavailable_(std::move(unavailable)),
      layout_(layout_for(image_)),
      judge_(with_events(opts_.judge, layout_), opts_.cpus),
      timeline_(opts_.cpus) {
  if (!image_ && unavailable_.empty()) unavailable_ = "no kernel image";
  if (image_ && !layout_.can_sample()) unavailable_ = "the run queues of this kernel cannot be located";
  if (image_ && image_->hz > 0 && opts_.judge.hz != image_->hz) {
    JudgeConfig c = with_events(opts_.judge, layout_);
    c.hz = image_->hz;
    judge_ = Judge(c, opts_.cpus);
  }
}

std::unique_ptr<HostMonitor> HostMonitor::create(const std::filesystem::path& vmlinux, int hz,
                                                 HostMonitorOptions o) {
  try {
    return std::make_unique<HostMonitor>(KernelImage::load(vmlinux, hz), std::move(o));
  } catch (const Error& e) {
    return std::make_unique<HostMonitor>(nullptr, std::move(o), e.what());
  }
}

double HostMonitor::now() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

void HostMonitor::note(std::string n) {
  if (notes_.size() >= kMaxNotes || std::find(notes_.begin(), notes_.end(), n) != notes_.end()) return;
  log::debug("monitor: {}", n);
  notes_.push_back(std::move(n));
}

void HostMonitor::on_start(vm::VmControl& vm) {
  start_ = Clock::now();
  last_sample_ = {};
  vm_ = &vm;
  sampler_.reset();
  kernel_.reset();
  phys_.reset();
  if (!available()) return;
  phys_ = std::make_unique<GuestPhysMemory>(vm.memory());
  kernel_ = std::make_unique<GuestKernel>(image_, *phys_);
}

void HostMonitor::on_message(const channel::Message& m) {
  if (m.type != channel::MsgType::Event) return;
  auto j = nlohmann::json::parse(m.text(), nullptr, false);
  if (j.is_object() && j.contains("event") && j["event"].is_string())
    timeline_.add_event(now(), j["event"].get<std::string>());
}

void HostMonitor::on_tick(vm::VmControl& vm) {
  if (&vm != vm_ || !kernel_) return;
  if (!kernel_->attached()) {
    // Fails until the kernel is in place (and, under KASLR, relocated).
    if (!kernel_->attach()) return;
    sampler_ = std::make_unique<Sampler>(*kernel_, layout_, opts_.cpus);
    if (kernel_->kaslr_offset()) note(fmt::format("KASLR: kernel image at +{:#x}", kernel_->kaslr_offset()));
  } else {
    kernel_->refresh();
  }
  auto t = Clock::now();
  // Ticks jitter by a few ms; 10 % slack keeps a 100 ms period at 100 ms.
  if (last_sample_ != Clock::time_point{} && t - last_sample_ < opts_.interval * 9 / 10) return;
  auto s = sampler_->take(now());
  if (!s) {
    // Early boot: the run queues are not set up yet; not worth a note.
    last_error_ = s.error();
  } else {
    last_sample_ = t;
    cost_n_++;
    cost_sum_us_ += s->read_us;
    cost_max_us_ = std::max(cost_max_us_, s->read_us);
    if (s->scx_enabled != scx_seen_) {
      // The host's own view of attach/detach, next to the guest's events.
      timeline_.add_event(s->t, s->scx_enabled ? fmt::format("sched_ext enabled (host view, scx_enable_seq {})", s->enable_seq)
                                               : "sched_ext disabled (host view)");
      scx_seen_ = s->scx_enabled;
    }
    judge_.feed(*s);
    timeline_.add_sample(*s);
    if (opts_.live) opts_.live(*s, layout_);
  }
  if (opts_.on_kernel_tick) opts_.on_kernel_tick(*kernel_, vm, now());
}

nlohmann::json HostMonitor::to_json() const {
  std::vector<std::string> names;
  for (const auto& e : layout_.events) names.push_back(e.name);
  std::vector<std::string> notes = layout_.notes;
  notes.insert(notes.end(), notes_.begin(), notes_.end());
  nlohmann::json j{{"interval_ms", opts_.interval.count()},
                   {"cpus", opts_.cpus},
                   {"available", available()},
                   {"notes", notes},
                   {"rotation_s", judge_.config().rotation_s},
                   {"warmup_s", judge_.config().warmup_s},
                   {"sustained_samples", judge_.config().sustained}};
  if (!available()) j["unavailable"] = unavailable_;
  if (kernel_ && kernel_->attached()) {
    j["kaslr_offset"] = fmt::format("{:#x}", kernel_->kaslr_offset());
    j["phys_base"] = fmt::format("{:#x}", kernel_->space().layout().phys_base);
  }
  else if (available()) j["unattached"] = last_error_.empty() ? "the guest kernel was never found in RAM" : last_error_;
  j["cost"] = {{"samples", cost_n_},
               {"mean_us", cost_n_ ? std::round(cost_sum_us_ / cost_n_ * 10) / 10 : 0.0},
               {"max_us", std::round(cost_max_us_ * 10) / 10}};
  j["summary"] = judge_.summary();
  j["verdicts"] = judge_.verdicts();
  j["timeline"] = timeline_.to_json(names);
  return j;
}

std::string HostMonitor::format_timeline() const { return timeline_.format_phases(judge_.verdicts()); }

std::string HostMonitor::format_summary() const {
  const auto& s = judge_.summary();
  std::string out = fmt::format(
      "  {} samples ({} judged) every {} ms, {:.0f} us each on average; max imbalance {:.1f}, max local DSQ {}, "
      "stalls {}, work-conservation episodes {}, select_cpu fallbacks {}, keep-last {}\n",
      s.samples, s.judged, opts_.interval.count(), cost_n_ ? cost_sum_us_ / cost_n_ : 0.0, s.max_imbalance_ratio,
      s.max_dsq_depth, s.stall_count, s.work_conservation_count, s.total_fallback, s.total_keep_last);
  if (!available()) out += "  monitor unavailable: " + unavailable_ + "\n";
  for (const auto& n : notes_) out += "  note: " + n + "\n";
  return out;
}

}  // namespace ktstr::monitor
