#include "monitor/watchdog_shortener.hpp"
#include "monitor/jiffies.hpp"

#include "util/error.hpp"
#include "util/log.hpp"

namespace ktstr::monitor {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPauseTimeout = std::chrono::milliseconds(300);
constexpr auto kPullSpacing = std::chrono::milliseconds(300);
constexpr int kMaxPulls = 10;
constexpr size_t kMaxErrorEvents = 20;

}  // namespace

uint64_t msecs_to_jiffies(uint64_t ms, int hz) { return (ms * static_cast<uint64_t>(hz) + 999) / 1000; }
uint64_t jiffies_to_msecs(uint64_t j, int hz) { return j * 1000 / static_cast<uint64_t>(hz); }

void to_json(nlohmann::json& j, const WatchdogEvent& e) {
  j = {{"t", e.t}, {"kind", e.kind}, {"detail", e.detail}};
  if (e.jiffies) j["jiffies"] = e.jiffies;
}

WatchdogShortener::WatchdogShortener(std::shared_ptr<const KernelImage> image, std::chrono::milliseconds timeout,
                                     std::string unavailable_reason)
    : image_(std::move(image)), timeout_(timeout), unavailable_(std::move(unavailable_reason)) {
  if (!image_ && unavailable_.empty()) unavailable_ = "no kernel image";
  if (!image_) return;
  target_ = std::max<uint64_t>(msecs_to_jiffies(static_cast<uint64_t>(timeout.count()), image_->hz), 2);
  interval_ = std::max<uint64_t>(target_ / 2, 1);  // refresh_watchdog(): max(timeout / 2, 1)
  auto wd = ScxWatchdogLayout::resolve(*image_);
  if (!wd) {
    unavailable_ = "sched_ext watchdog not found in this kernel: " + wd.error();
    return;
  }
  wd_ = wd_link_ = *wd;
  // Without the timer layout we cannot pull the work earlier; shortening
  // still works, the first short check just waits for the old expiry.
  if (auto wl = TimerWheelLayout::resolve(*image_)) wheel_ = wheel_link_ = *wl;
  timer_fn_ = timer_fn_link_ = image_->symbols->address("delayed_work_timer_fn").value_or(0);
}

std::unique_ptr<WatchdogShortener> WatchdogShortener::create(const std::filesystem::path& vmlinux, int hz,
                                                             std::chrono::milliseconds timeout) {
  try {
    return std::make_unique<WatchdogShortener>(KernelImage::load(vmlinux, hz), timeout);
  } catch (const Error& e) {
    return std::make_unique<WatchdogShortener>(nullptr, timeout, e.what());
  }
}

void WatchdogShortener::record(std::string kind, std::string detail, uint64_t jiffies) {
  if (kind == "error" || kind == "pull_failed") {
    if (seen_errors_.size() >= kMaxErrorEvents || !seen_errors_.insert(detail).second) return;
  }
  WatchdogEvent e;
  e.t = std::chrono::duration<double>(Clock::now() - start_).count();
  e.jiffies = jiffies;
  e.kind = std::move(kind);
  e.detail = std::move(detail);
  log::debug("watchdog: {:.2f}s {} {}", e.t, e.kind, e.detail);
  events_.push_back(std::move(e));
}

void WatchdogShortener::on_start(vm::VmControl& vm) {
  start_ = Clock::now();
  vm_ = &vm;
  inst_.reset();
  kernel_.reset();
  phys_.reset();
  if (!unavailable_.empty()) {
    record("unavailable", unavailable_);
    return;
  }
  phys_ = std::make_unique<GuestPhysMemory>(vm.memory());
  kernel_ = std::make_unique<GuestKernel>(image_, *phys_);
}

bool WatchdogShortener::ensure_ready() {
  if (!kernel_) return false;
  if (kernel_->attached()) {
    kernel_->refresh();
    return true;
  }
  // Fails until QEMU has loaded the kernel image; retried every tick.
  if (!kernel_->attach().ok()) return false;
  // Symbols were resolved at link-time addresses; under KASLR the running
  // image sits higher.
  const uint64_t off = kernel_->kaslr_offset();
  wd_ = wd_link_->relocated(off);
  if (wheel_link_) wheel_ = wheel_link_->relocated(off);
  timer_fn_ = timer_fn_link_ ? timer_fn_link_ + off : 0;
  return true;
}

void WatchdogShortener::on_tick(vm::VmControl& vm) {
  if (&vm != vm_ || !ensure_ready()) return;
  tick();
}

uint64_t WatchdogShortener::timeout_va(uint64_t sch) const {
  return wd_->per_sched ? sch + wd_->sched_timeout_off : wd_->static_timeout;
}

void WatchdogShortener::tick() {
  const GuestKernel& k = *kernel_;
  auto j = k.jiffies();
  auto state = k.read<int32_t>(wd_->enable_state);
  if (!j || !state) return record("error", !j ? j.error() : state.error());
  uint64_t sch = 0;
  if (wd_->scx_root) {
    auto r = k.read<uint64_t>(wd_->scx_root);
    if (!r) return record("error", r.error());
    sch = *r;
  }
  bool live = *state == wd_->state_enabling || *state == wd_->state_enabled;
  if ((wd_->scx_root && !sch) || !live) {
    if (inst_) record("detached", fmt::format("scheduler state {}", *state), *j);
    inst_.reset();
    return;
  }
  if (sch && wd_->sched_exit_kind_off) {
    auto kind = k.read<int32_t>(sch + wd_->sched_exit_kind_off);
    if (!kind) return record("error", kind.error());
    if (*kind != 0) {  // being disabled: hands off
      if (inst_ && !inst_->settled) record("exiting", fmt::format("exit_kind {}", *kind), *j);
      if (inst_) inst_->settled = true;
      return;
    }
  }
  int64_t seq = -1;
  if (wd_->enable_seq) seq = k.read<int64_t>(wd_->enable_seq).value_or(-1);
  auto cur = k.read<uint64_t>(timeout_va(sch));
  if (!cur) return record("error", cur.error());

  // A new instance: another scx_sched, a timeout back above ours (a freed
  // object reused at the same address; old kernels' static timeout), or
  // the scheduler came back after a detach (inst_ reset above).
  bool fresh = !inst_ || inst_->sch != sch || (inst_->applied && *cur > target_);
  if (fresh) {
    inst_.emplace();
    inst_->sch = sch;
    inst_->seq = seq;
    record("attached",
           fmt::format("scx_sched {:#x} (scx_enable_seq {}), watchdog timeout {} ms", sch, seq,
                       jiffies_to_msecs(*cur, image_->hz)),
           *j);
  }
  Instance& in = *inst_;
  if (in.settled) return;
  if (!in.applied) {
    if (*cur <= target_) {
      record("kept", fmt::format("scheduler's own timeout {} ms <= {} ms", jiffies_to_msecs(*cur, image_->hz),
                                 timeout_.count()), *j);
      in.settled = true;
      return;
    }
    apply(in, sch, *cur, *j);
  }
  settle(in, *j);
}

void WatchdogShortener::apply(Instance& in, uint64_t sch, uint64_t cur, uint64_t j) {
  const GuestKernel& k = *kernel_;
  // Order matters: the tick check must never see the short timeout next
  // to a stale timestamp, and the work must re-arm with the short interval.
  if (wd_->interval) {
    auto iv = k.read<uint64_t>(wd_->interval);
    if (iv && *iv > interval_)
      if (auto w = k.write<uint64_t>(wd_->interval, interval_); !w) return record("error", w.error());
  }
  if (auto w = k.write<uint64_t>(wd_->timestamp, j); !w) return record("error", w.error());
  if (auto w = k.write<uint64_t>(timeout_va(sch), target_); !w) return record("error", w.error());
  in.applied = true;
  in.kernel_expiry = k.read<uint64_t>(wd_->work_timer + wd_->timer_expires_off).value_or(0);
  record("shortened",
         fmt::format("{} ms -> {} ms ({} -> {} jiffies at HZ={}); work armed for +{} ms", jiffies_to_msecs(cur, image_->hz),
                     timeout_.count(), cur, target_, image_->hz,
                     static_cast<int64_t>(in.kernel_expiry - j) * 1000 / image_->hz),
         j);
}

void WatchdogShortener::settle(Instance& in, uint64_t j) {
  const GuestKernel& k = *kernel_;
  // A refresh_watchdog() racing with our first write may have re-armed
  // with the old interval; re-assert ours until the kernel checked in.
  if (wd_->interval) {
    auto iv = k.read<uint64_t>(wd_->interval);
    if (iv && *iv > interval_) (void)k.write<uint64_t>(wd_->interval, interval_);
  }
  auto pprev = k.read<uint64_t>(wd_->work_timer + wd_->timer_entry_pprev_off);
  auto expires = k.read<uint64_t>(wd_->work_timer + wd_->timer_expires_off);
  if (!pprev || !expires) return record("error", !pprev ? pprev.error() : expires.error());
  bool pending = *pprev != 0;
  bool ours = in.our_expiries.count(*expires) != 0;
  // Armed further out than the short interval: by the old timeout, so the
  // work cannot check in in time through no fault of the scheduler.
  bool far = pending && time_after(*expires, j + interval_ + 1);
  if (pending && !ours && *expires != in.kernel_expiry) {
    if (!far) {
      // The kernel armed the work itself, with our interval: it ran (or
      // refresh_watchdog() did) and will check every T/2 from now on.
      record("checked_in", fmt::format("watchdog work re-armed by the kernel for +{} ms",
                                       static_cast<int64_t>(*expires - j) * 1000 / image_->hz), j);
      in.settled = true;
      return;
    }
    in.kernel_expiry = *expires;  // re-armed long (old interval): pull that one
  }
  if (time_after(j, in.kernel_expiry + 2 * static_cast<uint64_t>(image_->hz))) {
    record("gave_up", "the watchdog work did not re-arm 2 s past its own expiry; leaving the kernel alone", j);
    in.settled = true;
    return;
  }
  if (!far) return;  // due within T/2: a late check-in is the kernel's to judge
  // scx_tick() must not compare the short timeout with a timestamp the
  // long-armed work cannot refresh.
  if (opts_.refresh_timestamp) (void)k.write<uint64_t>(wd_->timestamp, j);
  try_pull(in, j);
}

void WatchdogShortener::try_pull(Instance& in, uint64_t j) {
  if (!opts_.pull_timer || !wheel_ || !timer_fn_ || in.pulls >= kMaxPulls) return;
  auto now = Clock::now();
  if (in.pulls && now - in.last_pull < kPullSpacing) return;
  in.last_pull = now;
  in.pulls++;
  Expected<PullResult> r = unexpected("not attempted");
  auto t0 = Clock::now();
  {
    vm::PauseGuard pause(*vm_, kPauseTimeout);
    if (!pause.ok()) return record("pull_failed", pause.error() + "; the short timeout starts at the old expiry", j);
    r = pull_timer_now(*kernel_, *wheel_, wd_->work_timer, timer_fn_);
  }
  double paused_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!r) return record("pull_failed", r.error(), j);
  in.our_expiries.insert(r->new_expires);
  record("timer_pulled",
         fmt::format("watchdog work timer moved from +{} ms (CPU {}) to now (CPU {}{}); VM paused {:.1f} ms",
                     static_cast<int64_t>(r->old_expires - j) * 1000 / image_->hz, r->from_cpu, r->to_cpu,
                     r->target_idle ? ", idle" : "", paused_ms),
         j);
}

}  // namespace ktstr::monitor
